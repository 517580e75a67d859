using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WaiverDb.Service.Tests.Reliability;

/// <summary>How one create request ended, as the client saw it.</summary>
internal enum CreateOutcome
{
    /// <summary>201: the service says every waiver of the body is stored.</summary>
    Created,

    /// <summary>503 with a JSON <c>message</c>: a clean refusal while a peer is down.</summary>
    Unavailable,

    /// <summary>Another 5xx with a JSON <c>message</c>.</summary>
    ServerError,

    /// <summary>Nothing listened (the service was down): the request never reached it.</summary>
    Refused,

    /// <summary>The connection broke after the request was sent: the outcome is unknown to the client.</summary>
    Interrupted,

    /// <summary>Anything else (a 4xx, a body that is not JSON): a fault of the service.</summary>
    Other,
}

/// <summary>One waiver a client sent: its unique comment, the body item, and what came back for it.</summary>
internal sealed record SentWaiver(string Token, JsonObject Body, string User, CreateOutcome Outcome, JsonObject? Returned);

/// <summary>
/// Clients creating waivers as fast as the service answers, single objects and lists of 2-5,
/// each waiver with a unique comment so that the database can be asked what became of it.
/// </summary>
internal sealed class WaiverLoad(ReliabilityEnvironment environment, int clients)
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..10];
    private readonly ConcurrentQueue<SentWaiver> _sent = new();
    private readonly ConcurrentDictionary<CreateOutcome, int> _requests = new();
    private int _created;

    /// <summary>Every comment of this run starts with this, so the database can be searched.</summary>
    public string TokenPrefix => $"rel:{_run}:";

    public IReadOnlyCollection<SentWaiver> Sent => _sent;

    /// <summary>Requests answered 201 so far: a fault has passed once this grows again.</summary>
    public int CreatedRequests => Volatile.Read(ref _created);

    public int Requests(CreateOutcome outcome) => _requests.GetValueOrDefault(outcome);

    public int TotalRequests => _requests.Values.Sum();

    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, clients).Select(i => Task.Run(() => ClientAsync(i, stop), CancellationToken.None)));

    private async Task ClientAsync(int client, CancellationToken stop)
    {
        var user = $"packager{client}";
        using var http = environment.Client(user);
        var random = new Random(client);
        for (var sequence = 0; !stop.IsCancellationRequested; sequence++)
        {
            var items = random.Next(10) < 7 ? 0 : random.Next(2, 6);
            var bodies = Enumerable.Range(0, Math.Max(1, items)).Select(i => new JsonObject
            {
                ["subject_type"] = "koji_build",
                ["subject_identifier"] = $"reliability{client}-{sequence}-1.0-1.fc40",
                ["testcase"] = $"fedora-ci.reliability.check{i}",
                ["product_version"] = "fedora-40",
                ["comment"] = $"{TokenPrefix}{client}:{sequence}:{i}",
            }).ToList();
            JsonNode body = items == 0 ? bodies[0] : new JsonArray([.. bodies.Select(b => (JsonNode)b.DeepClone())]);

            // In-flight requests are never cancelled: each must end with an outcome to check.
            var (outcome, returned) = await SendAsync(http, body);
            _requests.AddOrUpdate(outcome, 1, (_, n) => n + 1);
            if (outcome == CreateOutcome.Created)
            {
                Interlocked.Increment(ref _created);
            }

            for (var i = 0; i < bodies.Count; i++)
            {
                var answer = returned switch
                {
                    JsonArray list when i < list.Count => list[i] as JsonObject,
                    JsonObject one when items == 0 => one,
                    _ => null,
                };
                _sent.Enqueue(new SentWaiver((string)bodies[i]["comment"]!, bodies[i], user, outcome, answer));
            }

            if (outcome is CreateOutcome.Refused or CreateOutcome.Interrupted)
            {
                // Nobody there: do not spin while the service restarts.
                await Task.Delay(100, CancellationToken.None);
            }
        }
    }

    private static async Task<(CreateOutcome Outcome, JsonNode? Returned)> SendAsync(HttpClient http, JsonNode body)
    {
        try
        {
            using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            using var response = await http.PostAsync("/api/v1.0/waivers/", content, CancellationToken.None);
            var text = await response.Content.ReadAsStringAsync(CancellationToken.None);
            JsonNode? json;
            try
            {
                json = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                return (CreateOutcome.Other, null);
            }

            var status = (int)response.StatusCode;
            var hasMessage = json is JsonObject error && error["message"] is not null;
            return status switch
            {
                201 => (CreateOutcome.Created, json),
                503 when hasMessage => (CreateOutcome.Unavailable, json),
                >= 500 when hasMessage => (CreateOutcome.ServerError, json),
                _ => (CreateOutcome.Other, json),
            };
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
        {
            return (CreateOutcome.Refused, null);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            return (CreateOutcome.Interrupted, null);
        }
    }
}
