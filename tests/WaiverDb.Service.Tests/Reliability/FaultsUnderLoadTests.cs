using System.Diagnostics;
using System.Globalization;
using System.Text;
using WaiverDb.Service.Tests.Infrastructure;
using Xunit.Abstractions;

namespace WaiverDb.Service.Tests.Reliability;

/// <summary>
/// 16 clients create waivers against the service process while, in turn, PostgreSQL is
/// restarted (fast, then immediate shutdown), the broker is stopped and started, and the
/// service is killed with SIGKILL and started again. Afterwards nothing confirmed may be
/// lost or duplicated, nothing refused stored, and every stored waiver published once.
/// <c>RELIABILITY_SECONDS</c> sets the length (CI: a short run); <c>make reliability</c>
/// runs it for minutes and writes the figures to docs/reliability.md.
/// </summary>
[Collection(RabbitMqCollection.Name)]
public sealed class FaultsUnderLoadTests(RabbitMqBroker broker, ITestOutputHelper output)
{
    private const int Clients = 16;

    [Fact]
    [Trait("Category", "Reliability")]
    public async Task NothingConfirmedIsLostOrDuplicatedAndEveryStoredWaiverIsPublishedOnceThroughRestartsAndKills()
    {
        var seconds = ReliabilityReport.Seconds("RELIABILITY_SECONDS", 30);
        var started = DateTime.UtcNow;
        await using var environment = await ReliabilityEnvironment.StartAsync(broker);
        var load = new WaiverLoad(environment, Clients);
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);

        // Greenwave's side: the queue is read throughout, as a consumer would, so the broker
        // does not pile up (and slowly recover) the whole run's messages.
        var received = new List<ReceivedMessage>();
        using var stopReading = new CancellationTokenSource();
        var reading = Task.Run(async () =>
        {
            while (!stopReading.IsCancellationRequested)
            {
                received.AddRange(await environment.Queue.ReceiveAsync(1000, TimeSpan.FromSeconds(1)));
            }
        });

        // Faults in turn, each after a stretch of undisturbed load; a fault has passed when
        // the service answers its health check and creates waivers again, by itself.
        var outage = TimeSpan.FromSeconds(Math.Clamp(seconds / 40.0, 1, 5));
        var calm = TimeSpan.FromSeconds(Math.Clamp(seconds / 20.0, 2, 15));
        (string Name, Func<Task> Inject)[] faults =
        [
            ("PostgreSQL restarted, fast shutdown", () => environment.RestartPostgresAsync("fast", outage)),
            ("RabbitMQ stopped and started", () => environment.RestartBrokerAsync(outage)),
            ("PostgreSQL restarted, immediate shutdown", () => environment.RestartPostgresAsync("immediate", outage)),
            ("service killed (SIGKILL) and restarted", () => environment.KillAndRestartServiceAsync(outage)),
        ];
        var injected = new List<(string Name, bool Recovered, double RecoverySeconds)>();
        var deadline = started + TimeSpan.FromSeconds(seconds);
        for (var i = 0; injected.Count < faults.Length || DateTime.UtcNow < deadline; i++)
        {
            await Task.Delay(calm);
            var (name, inject) = faults[i % faults.Length];
            var createdBefore = load.CreatedRequests;
            var clock = Stopwatch.StartNew();
            await inject();
            var recovered = await environment.WaitUntilHealthyAsync(TimeSpan.FromSeconds(120))
                && await WaitForAsync(() => load.CreatedRequests > createdBefore + Clients, TimeSpan.FromSeconds(120));
            injected.Add((name, recovered, clock.Elapsed.TotalSeconds));
            output.WriteLine($"{name}: {(recovered ? "recovered" : "NOT recovered")} after {clock.Elapsed.TotalSeconds:F1} s");
            Assert.True(recovered, $"the service did not recover from: {name}\n{Tail(environment.ServiceOutput)}");
        }

        await Task.Delay(calm);
        await stop.CancelAsync();
        await running;
        var loadSeconds = (DateTime.UtcNow - started).TotalSeconds;

        await stopReading.CancelAsync();
        await reading;
        var verdict = await LoadVerdict.CheckAsync(environment, load, received, TimeSpan.FromMinutes(15));
        output.WriteLine(verdict.ToString());
        // A crash (the runtime's "Unhandled exception." on stderr) or a critical log line; the
        // database outages' errors are logged at Error with their 503s, as they should be.
        var unhandled = environment.ServiceOutput.Split('\n').Count(l => l.Contains("\"LogLevel\":\"Critical\"", StringComparison.Ordinal)
            || l.StartsWith("Unhandled exception.", StringComparison.Ordinal));
        Report(seconds, loadSeconds, injected, verdict, unhandled);

        Assert.True(verdict.Holds, verdict.ToString());
        // A 503 means not stored: a COMMIT whose connection broke is settled by looking the
        // waiver up again before answering (WaiverStore.CommittedAsync).
        Assert.Equal(0, verdict.UnavailableButStored);
        Assert.True(verdict.Created > 0 && verdict.Unavailable + verdict.Refused + verdict.Interrupted > 0,
            $"the run must have seen both successes and outages: {verdict}");
        Assert.Equal(0, unhandled);
    }

    private static async Task<bool> WaitForAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(100);
        }

        return true;
    }

    private static string Tail(string text) => text.Length > 4000 ? text[^4000..] : text;

    private static void Report(int seconds, double loadSeconds, List<(string Name, bool Recovered, double RecoverySeconds)> faults, LoadVerdict v, int unhandled)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine("## Faults under load").AppendLine()
            .AppendLine(c, $"Command: `make reliability RELIABILITY_SECONDS={seconds}` (the test `FaultsUnderLoadTests`; CI runs it for 30 s).  ")
            .AppendLine(c, $"Date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; load ran {loadSeconds:F0} s with {Clients} concurrent clients (70 % single waivers, 30 % lists of 2-5).  ")
            .AppendLine(c, $"Machine: {ReliabilityReport.Machine()}.").AppendLine()
            .AppendLine("| fault | recovered without a manual step | seconds until healthy and creating again |").AppendLine("|---|---|---|");
        foreach (var (name, recovered, recovery) in faults)
        {
            text.AppendLine(c, $"| {name} | {(recovered ? "yes" : "**no**")} | {recovery:F1} |");
        }

        text.AppendLine().AppendLine("| count | value |").AppendLine("|---|---|")
            .AppendLine(c, $"| create requests | {v.Requests} |")
            .AppendLine(c, $"| 201 | {v.Created} |")
            .AppendLine(c, $"| 503 (clean JSON, during an outage) | {v.Unavailable} |")
            .AppendLine(c, $"| other 5xx (clean JSON) | {v.ServerErrors} |")
            .AppendLine(c, $"| connection refused (service down) | {v.Refused} |")
            .AppendLine(c, $"| interrupted (connection lost while the service was killed; outcome unknown to the client) | {v.Interrupted} |")
            .AppendLine(c, $"| other answers (4xx, not JSON) | {v.Other} |")
            .AppendLine(c, $"| waivers confirmed by a 201 | {v.WaiversConfirmed} |")
            .AppendLine(c, $"| lost (confirmed, not stored) | {v.Lost} |")
            .AppendLine(c, $"| duplicated (stored twice) | {v.Duplicated} |")
            .AppendLine(c, $"| stored with other id or fields than returned | {v.Mismatched} |")
            .AppendLine(c, $"| stored although refused (connection refused, other 5xx) | {v.StoredAfterRefusal} |")
            .AppendLine(c, $"| waivers of a 503 stored all the same | {v.UnavailableButStored} |")
            .AppendLine(c, $"| interrupted requests whose waivers were stored | {v.InterruptedButStored} |")
            .AppendLine(c, $"| waivers stored | {v.StoredWaivers} |")
            .AppendLine(c, $"| messages received | {v.MessagesReceived} |")
            .AppendLine(c, $"| distinct message ids | {v.DistinctMessages} |")
            .AppendLine(c, $"| redelivered message ids (at-least-once after a kill) | {v.Redelivered} |")
            .AppendLine(c, $"| stored waivers without a message | {v.WaiversWithoutMessage} |")
            .AppendLine(c, $"| stored waivers with more than one message id | {v.WaiversWithSeveralMessages} |")
            .AppendLine(c, $"| crashes or critical lines in the service log | {unhandled} |")
            .AppendLine().AppendLine(v.Holds ? "Verdict: **nothing lost, nothing duplicated, no 5xx outside the injected outages.**" : "Verdict: **FAILED**, see the counts.");
        ReliabilityReport.WriteSection("faults", text.ToString());
    }
}
