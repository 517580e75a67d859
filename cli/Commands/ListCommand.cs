using System.CommandLine;
using System.Text.Json;
using WaiverDb.Contracts;
using WaiverDb.Contracts.Validation;
using WaiverDb.Contracts.Waivers;

namespace WaiverDb.Cli.Commands;

/// <summary><c>waiverdb-cli list</c>: <c>GET /waivers/</c> with every filter, a page or all of them.</summary>
public static class ListCommand
{
    public static Command Create(CliContext context)
    {
        var subjectType = new Option<string?>("--subject-type", "-T") { Description = "Only this subject type" };
        var subjectIdentifier = new Option<string?>("--subject-identifier", "-i") { Description = "Only this subject identifier" };
        var testcase = new Option<string?>("--testcase", "-t") { Description = "Only this test case" };
        var scenario = new Option<string?>("--scenario", "-S") { Description = "Only this scenario" };
        var productVersion = new Option<string?>("--product-version", "-p") { Description = "Only this product version" };
        var username = new Option<string?>("--username", "-u") { Description = "Only waivers recorded for this user" };
        var proxiedBy = new Option<string?>("--proxied-by") { Description = "Only waivers created by this superuser" };
        var since = new Option<string?>("--since") { Description = "From this ISO-8601 time, or FROM,TO (both inclusive)" };
        var includeObsolete = new Option<bool>("--include-obsolete") { Description = "Also waivers replaced by newer ones" };
        var page = new Option<int>("--page") { Description = "Page number", DefaultValueFactory = _ => 1 };
        var limit = new Option<int>("--limit") { Description = "Waivers per page", DefaultValueFactory = _ => 10 };
        var all = new Option<bool>("--all") { Description = "Follow the next links and list every page" };

        var command = new Command("list", """
            List waivers, newest first; obsolete waivers are hidden unless --include-obsolete.

            Examples:
              waiverdb-cli list -i glibc-2.26-27.fc27
              waiverdb-cli list -t dist.rpmdeplint --since 2024-01-01 --all --json
            """)
        {
            subjectType, subjectIdentifier, testcase, scenario, productVersion, username, proxiedBy, since, includeObsolete, page, limit, all,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(parse, context, async () =>
        {
            var filter = new WaiverFilter
            {
                SubjectType = parse.GetValue(subjectType),
                SubjectIdentifier = parse.GetValue(subjectIdentifier),
                Testcase = parse.GetValue(testcase),
                Scenario = parse.GetValue(scenario),
                ProductVersion = parse.GetValue(productVersion),
                Username = parse.GetValue(username),
                ProxiedBy = parse.GetValue(proxiedBy),
                Since = parse.GetValue(since),
            };
            var problems = ValidationErrors.From(new WaiverFilterValidator().Validate(filter)).ToList();
            if (parse.GetValue(page) < 1 || parse.GetValue(limit) < 1)
            {
                throw new CliException("--page and --limit must be at least 1", ExitCodes.Usage);
            }

            if (problems.Count > 0)
            {
                throw new CliException("Invalid filter: " + ValidationErrors.Summary(problems), ExitCodes.Usage);
            }

            var (_, client, http) = CommandRunner.Connect(parse, context, ExitCodes.Usage);
            using (http)
            {
                var current = await client.ListAsync(filter, parse.GetValue(page), parse.GetValue(limit), parse.GetValue(includeObsolete), ct);
                var json = parse.GetValue(CommonOptions.Json);
                if (!parse.GetValue(all))
                {
                    await (json
                        ? context.Output.WriteLineAsync(JsonSerializer.Serialize(current, WaiverDbJsonContext.Default.WaiverPage))
                        : WaiverTable.WriteAsync(context.Output, current.Data));
                    return ExitCodes.Ok;
                }

                var waivers = new List<Waiver>(current.Data);
                while (current.Next is { } next)
                {
                    current = await client.GetPageAsync(new Uri(next), ct);
                    waivers.AddRange(current.Data);
                }

                await (json
                    ? context.Output.WriteLineAsync(JsonSerializer.Serialize<IReadOnlyList<Waiver>>(waivers, WaiverDbJsonContext.Default.IReadOnlyListWaiver))
                    : WaiverTable.WriteAsync(context.Output, waivers));
                return ExitCodes.Ok;
            }
        }));
        return command;
    }
}
