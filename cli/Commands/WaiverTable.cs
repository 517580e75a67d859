using System.Globalization;
using WaiverDb.Contracts.Waivers;

namespace WaiverDb.Cli.Commands;

/// <summary>How waivers are shown to people.</summary>
internal static class WaiverTable
{
    private static readonly string[] Headers =
        ["ID", "SUBJECT TYPE", "SUBJECT IDENTIFIER", "TESTCASE", "SCENARIO", "PRODUCT VERSION", "USER", "PROXIED BY", "WAIVED", "TIMESTAMP", "COMMENT"];

    public static Task WriteAsync(TextWriter output, IEnumerable<Waiver> waivers) =>
        TableWriter.WriteAsync(output, Headers, waivers.Select(w => (IReadOnlyList<string>)
        [
            w.Id.ToString(CultureInfo.InvariantCulture), w.SubjectType, w.SubjectIdentifier, w.Testcase, w.Scenario ?? "-",
            w.ProductVersion, w.Username, w.ProxiedBy ?? "-", w.Waived ? "yes" : "no",
            w.Timestamp?.ToString(WaiverTimestampConverter.Format, CultureInfo.InvariantCulture) ?? "-",
            (w.Comment ?? string.Empty).ReplaceLineEndings(" "),
        ]));
}
