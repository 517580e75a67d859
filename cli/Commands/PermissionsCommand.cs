using System.CommandLine;
using System.Text.Json;
using WaiverDb.Contracts;

namespace WaiverDb.Cli.Commands;

/// <summary><c>waiverdb-cli permissions [--testcase T]</c>: who may waive what.</summary>
public static class PermissionsCommand
{
    public static Command Create(CliContext context)
    {
        var testcase = new Option<string?>("--testcase", "-t") { Description = "Only the entries that cover this test case" };
        var command = new Command("permissions", """
            Show who may waive which test cases.

            Example:
              waiverdb-cli permissions -t fedora-ci.koji-build.tier0.functional
            """)
        {
            testcase,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(parse, context, async () =>
        {
            var (_, client, http) = CommandRunner.Connect(parse, context, ExitCodes.Usage);
            using (http)
            {
                var entries = await client.PermissionsAsync(parse.GetValue(testcase), ct);
                if (parse.GetValue(CommonOptions.Json))
                {
                    await context.Output.WriteLineAsync(JsonSerializer.Serialize(entries, WaiverDbJsonContext.Default.IReadOnlyListPermissionEntry));
                    return ExitCodes.Ok;
                }

                if (entries.Count == 0)
                {
                    await context.Output.WriteLineAsync(parse.GetValue(testcase) is null
                        ? "No permissions are configured: anyone may waive any test case."
                        : "No permission entry covers this test case.");
                    return ExitCodes.Ok;
                }

                static string List(IReadOnlyList<string> values) => values.Count == 0 ? "-" : string.Join(", ", values);
                await TableWriter.WriteAsync(context.Output, ["NAME", "TESTCASES", "IGNORED", "USERS", "GROUPS", "MAINTAINERS"],
                    entries.Select(e => (IReadOnlyList<string>)
                        [e.Name ?? "-", List(e.Testcases), List(e.TestcasesIgnore), List(e.Users), List(e.Groups), List(e.Maintainers)]));
                return ExitCodes.Ok;
            }
        }));
        return command;
    }
}
