using System.CommandLine;

namespace WaiverDb.Cli;

/// <summary>
/// Runs a command's work and turns every failure into one "Error: ..." line on stderr
/// and its exit status; a stack trace only with --verbose.
/// </summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(ParseResult parse, CliContext context, Func<Task<int>> work)
    {
        try
        {
            return await work();
        }
        catch (CliException e)
        {
            await context.Error.WriteLineAsync("Error: " + e.Message);
            if (e.InnerException is not null && parse.GetValue(CommonOptions.Verbose))
            {
                await context.Error.WriteLineAsync(e.InnerException.ToString());
            }

            return e.ExitCode;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await context.Error.WriteLineAsync($"Error: unexpected failure: {e.Message}");
            if (parse.GetValue(CommonOptions.Verbose))
            {
                await context.Error.WriteLineAsync(e.ToString());
            }

            return ExitCodes.Refused;
        }
    }

    /// <summary>The configuration and a client authenticated as it says.</summary>
    public static (ClientConfig Config, WaiverDbClient Client, HttpClient Http) Connect(ParseResult parse, CliContext context, int problemExitCode)
    {
        var config = ClientConfig.Load(parse.GetValue(CommonOptions.ConfigFile), parse.GetValue(CommonOptions.ApiUrl), context.Environment, problemExitCode);
        var http = ClientAuthentication.CreateHttpClient(config, context);
        var oidc = config.AuthMethod == "OIDC"
            ? new OidcLogin(config, context, http, parse.GetValue(CommonOptions.DeviceCode), parse.GetValue(CommonOptions.Relogin))
            : null;
        return (config, new WaiverDbClient(http, config.ApiUrl, oidc), http);
    }
}
