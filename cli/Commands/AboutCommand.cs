using System.CommandLine;
using System.Text.Json;
using WaiverDb.Contracts;

namespace WaiverDb.Cli.Commands;

/// <summary><c>waiverdb-cli about</c>: the server's version and authentication method.</summary>
public static class AboutCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("about", "Show the server's version and authentication method.");
        command.SetAction((parse, ct) => CommandRunner.RunAsync(parse, context, async () =>
        {
            var (config, client, http) = CommandRunner.Connect(parse, context, ExitCodes.Usage);
            using (http)
            {
                var about = await client.AboutAsync(ct);
                if (parse.GetValue(CommonOptions.Json))
                {
                    await context.Output.WriteLineAsync(JsonSerializer.Serialize(about, WaiverDbJsonContext.Default.AboutResponse));
                }
                else
                {
                    await context.Output.WriteLineAsync($"api_url: {config.ApiUrl}");
                    await context.Output.WriteLineAsync($"version: {about.Version}");
                    await context.Output.WriteLineAsync($"auth_method: {about.AuthMethod}");
                }

                return ExitCodes.Ok;
            }
        }));
        return command;
    }
}
