namespace WaiverDb.Cli;

/// <summary>The exit statuses of waiverdb-cli, documented in the README; scripts rely on them.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The server refused the request (400, 403, 404, ...), or an upstream-form check failed (as upstream's click did).</summary>
    public const int Refused = 1;

    /// <summary>Wrong options or configuration: nothing was sent.</summary>
    public const int Usage = 2;

    /// <summary>The server could not be reached, timed out, failed (5xx) or did not accept the credentials (401).</summary>
    public const int Unavailable = 3;
}
