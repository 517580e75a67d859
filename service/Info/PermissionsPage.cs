using System.Net;
using System.Text;
using WaiverDb.Contracts;

namespace WaiverDb.Service.Info;

/// <summary>The readable HTML table of <c>/permissions?html=1</c>; every value is HTML-encoded.</summary>
public static class PermissionsPage
{
    public static string Render(IReadOnlyList<PermissionEntry> entries, string? testcase)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var title = testcase is null ? "WaiverDB permissions" : $"WaiverDB permissions for {testcase}";
        var html = new StringBuilder()
            .AppendLine("<!DOCTYPE html>")
            .AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<title>").Append(WebUtility.HtmlEncode(title)).AppendLine("</title>")
            .AppendLine("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
                + "th,td{border:1px solid #999;padding:.3em .6em;text-align:left;vertical-align:top}th{background:#eee}</style>")
            .AppendLine("</head><body>")
            .Append("<h1>").Append(WebUtility.HtmlEncode(title)).AppendLine("</h1>");
        if (entries.Count == 0)
        {
            html.AppendLine(testcase is null
                ? "<p>No permissions are configured: anyone may waive any test case.</p>"
                : "<p>No permission entry covers this test case.</p>");
        }
        else
        {
            html.AppendLine("<table><thead><tr><th>Name</th><th>Maintainers</th><th>Test cases</th>"
                + "<th>Ignored test cases</th><th>Users</th><th>Groups</th></tr></thead><tbody>");
            foreach (var entry in entries)
            {
                html.Append("<tr><td>").Append(WebUtility.HtmlEncode(entry.Name ?? string.Empty)).Append("</td>");
                foreach (var list in new[] { entry.Maintainers, entry.Testcases, entry.TestcasesIgnore, entry.Users, entry.Groups })
                {
                    html.Append("<td>").Append(string.Join("<br>", list.Select(WebUtility.HtmlEncode))).Append("</td>");
                }

                html.AppendLine("</tr>");
            }

            html.AppendLine("</tbody></table>");
        }

        return html.AppendLine("</body></html>").ToString();
    }
}
