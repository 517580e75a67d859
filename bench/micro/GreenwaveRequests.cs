using System.Text;
using WaiverDb.Contracts.Waivers;

namespace WaiverDb.Benchmarks;

/// <summary>
/// Bodies and answers shaped as bench/wrk/filtered.lua asks and bench/seed.sql answers:
/// subjects of 20 test cases each, three of them waived.
/// </summary>
internal static class GreenwaveRequests
{
    public static byte[] FilteredBody(int filters)
    {
        var body = new StringBuilder("{\"filters\":[");
        for (var g = 0; g < filters; g++)
        {
            var s = 1000 + (g / 20);
            body.Append(g == 0 ? "" : ",")
                .Append("{\"subject_type\":\"koji_build\",\"subject_identifier\":\"")
                .Append(Identifier(s))
                .Append("\",\"testcase\":\"")
                .Append(Testcase(s, g % 20))
                .Append("\"}");
        }

        return Encoding.UTF8.GetBytes(body.Append("]}").ToString());
    }

    /// <summary>The current waivers such a call finds: three per subject.</summary>
    public static List<Waiver> Answer(int filters)
    {
        var waivers = new List<Waiver>();
        for (var s = 1000; s < 1000 + ((filters + 19) / 20); s++)
        {
            for (var k = 0; k < 3; k++)
            {
                waivers.Add(new Waiver
                {
                    Id = 500_000 + (s * 3) + k,
                    SubjectType = "koji_build",
                    SubjectIdentifier = Identifier(s),
                    Subject = SubjectMapping.ToLegacySubject("koji_build", Identifier(s)),
                    Testcase = Testcase(s, k),
                    Scenario = null,
                    Username = $"user{s % 2000}",
                    ProxiedBy = k == 0 ? "bodhi" : null,
                    ProductVersion = $"fedora-{30 + (s % 12)}",
                    Waived = true,
                    Comment = "Known flaky test on this builder; the failure is unrelated to the change (see the linked bug).",
                    Timestamp = new DateTime(2024, 5, 17, 10, 11, 12, DateTimeKind.Utc).AddTicks(1234560 + s),
                });
            }
        }

        return waivers;
    }

    private static string Identifier(int s) => $"pkg{s}-{1 + (s % 7)}.{s % 13}-1.fc{30 + (s % 12)}";

    private static string Testcase(int s, int k)
    {
        var t = k < 3 ? ((s * 37) + (k * 101)) % 300 : ((s * 37) + 1 + k) % 300;
        return $"fedora-ci.koji-build.tier{t % 3}.test{t}";
    }
}
