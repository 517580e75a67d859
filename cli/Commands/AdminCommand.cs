using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using WaiverDb.Contracts;
using WaiverDb.Contracts.Admin;
using WaiverDb.Contracts.Waivers;

namespace WaiverDb.Cli.Commands;

/// <summary>
/// <c>waiverdb-cli admin revoke|remove|audit</c>: the administrators' operations (the
/// server's <c>ADMINS</c>), instead of SQL on the production database.
/// </summary>
public static class AdminCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("admin", """
            Operations for WaiverDB administrators (users in the server's ADMINS); each is audited.

            Examples:
              waiverdb-cli admin revoke 1234 --reason "waived the wrong build"
              waiverdb-cli admin remove 1234 --reason "spam"
              waiverdb-cli admin audit --waiver-id 1234
            """);
        command.Subcommands.Add(Revoke(context));
        command.Subcommands.Add(Remove(context));
        command.Subcommands.Add(Audit(context));
        return command;
    }

    private static Option<string> ReasonOption() => new("--reason", "-r")
    {
        Description = "Why (required; kept in the audit log)",
        Required = true,
    };

    private static Command Revoke(CliContext context) => Operation(context, "revoke", "The waiver to revoke", """
        Revoke a waiver given by mistake: records a newer waived: false waiver for the same
        subject, test case, scenario and product version, by you, with "Revoked by <you>: <reason>"
        as its comment. Greenwave hears of it like any new waiver.
        """,
        (client, id, reason, ct) => client.RevokeAsync(id, reason, ct),
        done => $"Revoked waiver {done.Audit.WaiverId}: waiver {done.Waiver?.Id} records waived: false (audit entry {done.Audit.Id})");

    private static Command Remove(CliContext context) => Operation(context, "remove", "The waiver to remove", """
        Remove a waiver that must not exist at all (spam, personal data): deletes it, keeps
        only its id and key in the audit log and publishes waiverdb.waiver.deleted.
        For a waiver that was merely a mistake, use revoke.
        """,
        (client, id, reason, ct) => client.RemoveAsync(id, reason, ct),
        done => $"Removed waiver {done.Audit.WaiverId} (audit entry {done.Audit.Id})");

    /// <summary>
    /// An operation on one waiver with a reason: the server's answer as JSON with
    /// <c>--json</c>, else the line <paramref name="describe"/> writes.
    /// </summary>
    private static Command Operation(CliContext context, string name, string idDescription, string description,
        Func<WaiverDbClient, int, string, CancellationToken, Task<AdminActionResponse>> send,
        Func<AdminActionResponse, FormattableString> describe)
    {
        var id = new Argument<int>("id") { Description = idDescription };
        var reason = ReasonOption();
        var command = new Command(name, description) { id, reason };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(parse, context, async () =>
        {
            var why = CheckedReason(parse.GetValue(reason));
            var (_, client, http) = CommandRunner.Connect(parse, context, ExitCodes.Usage);
            using (http)
            {
                var done = await send(client, parse.GetValue(id), why, ct);
                await context.Output.WriteLineAsync(parse.GetValue(CommonOptions.Json)
                    ? JsonSerializer.Serialize(done, WaiverDbJsonContext.Default.AdminActionResponse)
                    : FormattableString.Invariant(describe(done)));
                return ExitCodes.Ok;
            }
        }));
        return command;
    }

    private static Command Audit(CliContext context)
    {
        var waiverId = new Option<int?>("--waiver-id") { Description = "Only the entries about this waiver" };
        var page = new Option<int>("--page") { Description = "Page number", DefaultValueFactory = _ => 1 };
        var limit = new Option<int>("--limit") { Description = "Entries per page", DefaultValueFactory = _ => 20 };
        var all = new Option<bool>("--all") { Description = "Follow the next links and list every page" };
        var command = new Command("audit", "Show the audit log of administrators' operations, newest first.") { waiverId, page, limit, all };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(parse, context, async () =>
        {
            if (parse.GetValue(page) < 1 || parse.GetValue(limit) < 1 || parse.GetValue(waiverId) is < 1)
            {
                throw new CliException("--page, --limit and --waiver-id must be at least 1", ExitCodes.Usage);
            }

            var (_, client, http) = CommandRunner.Connect(parse, context, ExitCodes.Usage);
            using (http)
            {
                var current = await client.AuditAsync(parse.GetValue(waiverId), parse.GetValue(page), parse.GetValue(limit), null, ct);
                var entries = new List<AdminAuditEntry>(current.Data);
                while (parse.GetValue(all) && current.Next is { } next)
                {
                    current = await client.AuditAsync(null, 1, 1, new Uri(next), ct);
                    entries.AddRange(current.Data);
                }

                if (parse.GetValue(CommonOptions.Json))
                {
                    var whole = parse.GetValue(all) ? new AdminAuditPage(entries, entries.Count, null, null, null, null) : current;
                    await context.Output.WriteLineAsync(JsonSerializer.Serialize(whole, WaiverDbJsonContext.Default.AdminAuditPage));
                }
                else
                {
                    await WriteTableAsync(context.Output, entries);
                }

                return ExitCodes.Ok;
            }
        }));
        return command;
    }

    private static string CheckedReason(string? reason) =>
        string.IsNullOrWhiteSpace(reason) ? throw new CliException("--reason must say why (it is kept in the audit log)", ExitCodes.Usage) : reason;

    private static readonly string[] Headers =
        ["ID", "TIMESTAMP", "ACTION", "ADMIN", "WAIVER", "SUBJECT TYPE", "SUBJECT IDENTIFIER", "TESTCASE", "SCENARIO", "PRODUCT VERSION", "REVOCATION", "REASON"];

    private static Task WriteTableAsync(TextWriter output, IEnumerable<AdminAuditEntry> entries) =>
        TableWriter.WriteAsync(output, Headers, entries.Select(e => (IReadOnlyList<string>)
        [
            e.Id.ToString(CultureInfo.InvariantCulture),
            e.Timestamp?.ToString(WaiverTimestampConverter.Format, CultureInfo.InvariantCulture) ?? "-",
            e.Action, e.Admin, e.WaiverId.ToString(CultureInfo.InvariantCulture), e.SubjectType, e.SubjectIdentifier, e.Testcase,
            e.Scenario ?? "-", e.ProductVersion, e.RevocationId?.ToString(CultureInfo.InvariantCulture) ?? "-", e.Reason.ReplaceLineEndings(" "),
        ]));
}
