using System.CommandLine;
using System.Text.Json;
using WaiverDb.Contracts;

namespace WaiverDb.Cli.Commands;

/// <summary><c>waiverdb-cli get ID</c>: one waiver.</summary>
public static class GetCommand
{
    public static Command Create(CliContext context)
    {
        var id = new Argument<int>("id") { Description = "The waiver's id" };
        var command = new Command("get", "Show one waiver.\n\nExample:\n  waiverdb-cli get 15") { id };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(parse, context, async () =>
        {
            var (_, client, http) = CommandRunner.Connect(parse, context, ExitCodes.Usage);
            using (http)
            {
                var waiver = await client.GetAsync(parse.GetValue(id), ct);
                await (parse.GetValue(CommonOptions.Json)
                    ? context.Output.WriteLineAsync(JsonSerializer.Serialize(waiver, WaiverDbJsonContext.Default.Waiver))
                    : WaiverTable.WriteAsync(context.Output, [waiver]));
                return ExitCodes.Ok;
            }
        }));
        return command;
    }
}
