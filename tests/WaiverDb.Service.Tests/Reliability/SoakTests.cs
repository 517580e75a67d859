using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using WaiverDb.Service.Tests.Infrastructure;
using Xunit.Abstractions;

namespace WaiverDb.Service.Tests.Reliability;

/// <summary>
/// A steady mixed load (creates, lists, +filtered, reads) for <c>SOAK_SECONDS</c> (default one
/// hour) against the service process, sampling its resident memory, open handles and the
/// outbox backlog. Not part of <c>make test</c> (Category=Soak); <c>make soak</c> runs it and
/// writes the figures to docs/reliability.md.
/// </summary>
[Collection(RabbitMqCollection.Name)]
public sealed class SoakTests(RabbitMqBroker broker, ITestOutputHelper output)
{
    private const int Clients = 8;

    [Fact]
    [Trait("Category", "Soak")]
    public async Task SteadyMixedLoadKeepsMemoryHandlesAndOutboxBacklogFlat()
    {
        var seconds = ReliabilityReport.Seconds("SOAK_SECONDS", 3600);
        var sampleEvery = TimeSpan.FromSeconds(Math.Max(5, seconds / 40));
        await using var environment = await ReliabilityEnvironment.StartAsync(broker);
        var statuses = new ConcurrentDictionary<int, int>();
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, Clients).Select(i => Task.Run(() => ClientAsync(environment, i, statuses, stop.Token))).ToArray();

        var samples = new List<(double Minutes, long RssKib, long? HeapBytes, int Handles, long? Backlog, int Requests)>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            await Task.Delay(sampleEvery);
            var (rss, handles) = environment.ProcessFigures();
            (double Minutes, long RssKib, long? HeapBytes, int Handles, long? Backlog, int Requests) sample =
                (clock.Elapsed.TotalMinutes, rss, await environment.ManagedHeapAsync(), handles, await environment.OutboxBacklogAsync(), statuses.Values.Sum());
            samples.Add(sample);
            output.WriteLine($"{sample.Minutes:F1} min: RSS {rss / 1024} MiB, managed heap {sample.HeapBytes / 1048576} MiB, {handles} handles, backlog {sample.Backlog}, {sample.Requests} requests");
        }

        await stop.CancelAsync();
        await Task.WhenAll(clients);
        var drained = await DrainedAsync(environment);
        Report(seconds, clock.Elapsed, samples, statuses, drained);

        Assert.True(statuses.Keys.All(s => s < 500), string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}")));
        Assert.True(drained, "the outbox backlog did not drain after the load stopped");
    }

    private static async Task ClientAsync(ReliabilityEnvironment environment, int client, ConcurrentDictionary<int, int> statuses, CancellationToken stop)
    {
        using var http = environment.Client($"packager{client}");
        var random = new Random(client);
        for (var sequence = 0; !stop.IsCancellationRequested; sequence++)
        {
            var pick = random.Next(10);
            var subject = $"soak{client}-{random.Next(500)}-1.0-1.fc40";
            JsonObject Waiver(int i) => new()
            {
                ["subject_type"] = "koji_build", ["subject_identifier"] = subject, ["testcase"] = $"fedora-ci.soak.check{i}",
                ["product_version"] = "fedora-40", ["comment"] = $"soak {client}:{sequence}:{i}",
            };
            HttpResponseMessage response;
            if (pick < 4)
            {
                response = await http.PostAsync("/api/v1.0/waivers/", Json(Waiver(0)), CancellationToken.None);
            }
            else if (pick == 4)
            {
                response = await http.PostAsync("/api/v1.0/waivers/", Json(new JsonArray([.. Enumerable.Range(0, 5).Select(i => (JsonNode)Waiver(i))])), CancellationToken.None);
            }
            else if (pick < 8)
            {
                // Greenwave's question about fifty (subject, test case) pairs.
                var filters = new JsonArray([.. Enumerable.Range(0, 50).Select(i => (JsonNode)new JsonObject
                {
                    ["subject_type"] = "koji_build", ["subject_identifier"] = $"soak{random.Next(Clients)}-{random.Next(500)}-1.0-1.fc40",
                    ["testcase"] = $"fedora-ci.soak.check{i % 5}",
                })]);
                response = await http.PostAsync("/api/v1.0/waivers/+filtered", Json(new JsonObject { ["filters"] = filters }), CancellationToken.None);
            }
            else
            {
                response = await http.GetAsync(pick == 8 ? $"/api/v1.0/waivers/?subject_identifier={subject}&limit=20" : $"/api/v1.0/waivers/{random.Next(1, 1000)}", CancellationToken.None);
            }

            using (response)
            {
                await response.Content.ReadAsByteArrayAsync(CancellationToken.None);
                statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
            }

            // Steady, not flat out: the machine is shared and a soak is about time, not peak.
            await Task.Delay(20, CancellationToken.None);
        }
    }

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private static async Task<bool> DrainedAsync(ReliabilityEnvironment environment)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            if (await environment.OutboxBacklogAsync() == 0)
            {
                return true;
            }

            await Task.Delay(500);
        }

        return false;
    }

    private static void Report(int seconds, TimeSpan ran, List<(double Minutes, long RssKib, long? HeapBytes, int Handles, long? Backlog, int Requests)> samples,
        ConcurrentDictionary<int, int> statuses, bool drained)
    {
        var c = CultureInfo.InvariantCulture;
        // The first tenth is warm-up (JIT, pools filling); flatness is judged on the rest.
        var steady = samples.Skip(samples.Count / 10).ToList();
        var text = new StringBuilder();
        text.AppendLine("## Soak").AppendLine()
            .AppendLine(c, $"Command: `make soak SOAK_SECONDS={seconds}` (the test `SoakTests`, not run by `make test`).  ")
            .Append(c, $"Date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; ran **{ran.TotalMinutes:F1} minutes** with {Clients} clients at a steady pace ")
            .AppendLine("(40 % single creates, 10 % lists of 5, 30 % `+filtered` with 50 filters, 20 % list and get).  ")
            .AppendLine(c, $"Machine: {ReliabilityReport.Machine()}.").AppendLine()
            .Append(c, $"Requests: {statuses.Values.Sum()} ({string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"))}); ")
            .AppendLine(c, $"outbox drained after the load: {(drained ? "yes" : "**no**")}.").AppendLine();
        if (steady.Count > 0)
        {
            text.Append(c, $"After warm-up: RSS {steady.Min(s => s.RssKib) / 1024}-{steady.Max(s => s.RssKib) / 1024} MiB (first {steady[0].RssKib / 1024}, last {steady[^1].RssKib / 1024}), ")
                .Append(c, $"handles {steady.Min(s => s.Handles)}-{steady.Max(s => s.Handles)} (first {steady[0].Handles}, last {steady[^1].Handles}), ")
                .AppendLine(c, $"outbox backlog at most {steady.Max(s => s.Backlog ?? 0)} (last {steady[^1].Backlog}).").AppendLine();
        }

        text.AppendLine("| minute | RSS (MiB) | managed heap (MiB) | open handles | outbox backlog | requests so far |").AppendLine("|---|---|---|---|---|---|");
        foreach (var s in samples)
        {
            text.AppendLine(c, $"| {s.Minutes:F1} | {s.RssKib / 1024} | {(s.HeapBytes / 1048576)?.ToString(c) ?? "?"} | {s.Handles} | {s.Backlog?.ToString(c) ?? "?"} | {s.Requests} |");
        }

        ReliabilityReport.WriteSection("soak", text.ToString());
    }
}
