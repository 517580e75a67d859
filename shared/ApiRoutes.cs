namespace WaiverDb.Contracts;

/// <summary>The paths of API v1.0, as upstream WaiverDB serves them.</summary>
public static class ApiRoutes
{
    /// <summary>Every API path except the health check lives under this prefix.</summary>
    public const string Prefix = "/api/v1.0";

    public const string Waivers = Prefix + "/waivers/";
    public const string Filtered = Prefix + "/waivers/+filtered";
    public const string BySubjectsAndTestcases = Prefix + "/waivers/+by-subjects-and-testcases";
    public const string About = Prefix + "/about";
    public const string Config = Prefix + "/config";
    public const string Permissions = Prefix + "/permissions";
    public const string Metrics = Prefix + "/metrics";
    public const string HealthCheck = "/healthcheck";

    /// <summary>Administrators' operations (<c>ADMINS</c>): revoke, remove, the audit log.</summary>
    public const string Admin = Prefix + "/admin";
    public const string AdminAudit = Admin + "/audit";

    /// <summary>The path of one waiver among the administrators' operations.</summary>
    public static string AdminWaiver(int id) => Admin + "/waivers/" + id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The path of one waiver.</summary>
    public static string Waiver(int id) => Waivers + id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
