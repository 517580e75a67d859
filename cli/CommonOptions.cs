using System.CommandLine;

namespace WaiverDb.Cli;

/// <summary>The options every command takes; they are declared once on the root and inherited.</summary>
public static class CommonOptions
{
    public static readonly Option<string?> ConfigFile = new("--config-file", "-C")
    {
        Description = "Configuration file (default: $XDG_CONFIG_HOME/waiverdb/client.conf, then /etc/waiverdb/client.conf)",
        Recursive = true,
    };

    public static readonly Option<string?> ApiUrl = new("--api-url")
    {
        Description = "WaiverDB API URL, e.g. https://waiverdb.fedoraproject.org/api/v1.0 (overrides api_url)",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Write JSON to stdout, for scripts",
        Recursive = true,
    };

    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Show the details of unexpected failures",
        Recursive = true,
    };

    public static readonly Option<bool> DeviceCode = new("--device-code")
    {
        Description = "OIDC: log in with a code to enter on another device instead of opening a browser (the default without a display)",
        Recursive = true,
    };

    public static readonly Option<bool> Relogin = new("--relogin")
    {
        Description = "OIDC: forget the cached login and log in again",
        Recursive = true,
    };

    public static void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(ConfigFile);
        command.Options.Add(ApiUrl);
        command.Options.Add(Json);
        command.Options.Add(Verbose);
        command.Options.Add(DeviceCode);
        command.Options.Add(Relogin);
    }
}
