using System.Text.Json.Nodes;
using Dapper;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests.Reliability;

/// <summary>
/// What a load run left behind, checked against what its clients were told: every 201 is
/// stored once with the returned id and fields, every refusal stored nothing, and every
/// stored waiver was published once (by message id).
/// </summary>
internal sealed record LoadVerdict
{
    public int Requests { get; init; }
    public int Created { get; init; }
    public int Unavailable { get; init; }
    public int ServerErrors { get; init; }
    public int Refused { get; init; }
    public int Interrupted { get; init; }
    public int Other { get; init; }
    public int WaiversConfirmed { get; init; }
    public int Lost { get; init; }
    public int Duplicated { get; init; }
    public int Mismatched { get; init; }
    public int StoredAfterRefusal { get; init; }

    /// <summary>
    /// Waivers of a 503 that were stored all the same: the database went down during COMMIT, so
    /// the service could not know the outcome. Bounded by the requests in flight at a crash.
    /// </summary>
    public int UnavailableButStored { get; init; }
    public int InterruptedButStored { get; init; }
    public int StoredWaivers { get; init; }
    public int MessagesReceived { get; init; }
    public int DistinctMessages { get; init; }
    public int WaiversWithoutMessage { get; init; }
    public int WaiversWithSeveralMessages { get; init; }
    public int Redelivered { get; init; }

    /// <summary>Nothing lost, duplicated, half-written or unpublished; no answer but 201 or a clean 5xx.</summary>
    public bool Holds => Other == 0 && Lost == 0 && Duplicated == 0 && Mismatched == 0 && StoredAfterRefusal == 0
        && WaiversWithoutMessage == 0 && WaiversWithSeveralMessages == 0 && DistinctMessages == StoredWaivers;

    /// <summary>Checks the run; <paramref name="alreadyReceived"/> are the messages consumed while it ran.</summary>
    public static async Task<LoadVerdict> CheckAsync(ReliabilityEnvironment environment, WaiverLoad load,
        IReadOnlyList<ReceivedMessage> alreadyReceived, TimeSpan patience)
    {
        await using var db = await environment.OpenDatabaseAsync();
        var rows = (await db.QueryAsync<StoredRow>(
            """
            SELECT id AS Id, subject_type AS SubjectType, subject_identifier AS SubjectIdentifier, testcase AS Testcase,
                   product_version AS ProductVersion, username AS Username, comment AS Comment
            FROM waiver WHERE starts_with(comment, @prefix)
            """,
            new { prefix = load.TokenPrefix })).ToLookup(r => r.Comment);
        var outbox = (await db.QueryAsync<(Guid MessageId, int WaiverId)>("SELECT message_id, waiver_id FROM waiverdb_outbox"))
            .ToList();

        int lost = 0, duplicated = 0, mismatched = 0, storedAfterRefusal = 0, unavailableStored = 0, interruptedStored = 0, confirmed = 0;
        foreach (var sent in load.Sent)
        {
            var stored = rows[sent.Token].ToList();
            if (stored.Count > 1)
            {
                duplicated++;
            }

            switch (sent.Outcome)
            {
                case CreateOutcome.Created:
                    confirmed++;
                    if (stored.Count == 0)
                    {
                        lost++;
                    }
                    else if (stored.Count == 1 && !stored[0].Matches(sent))
                    {
                        mismatched++;
                    }

                    break;
                case CreateOutcome.Interrupted:
                    interruptedStored += stored.Count > 0 ? 1 : 0;
                    break;
                case CreateOutcome.Unavailable:
                    unavailableStored += stored.Count > 0 ? 1 : 0;
                    break;
                default:
                    storedAfterRefusal += stored.Count > 0 ? 1 : 0;
                    break;
            }
        }

        // Every stored waiver's message: read until all have come, or nothing more is coming
        // (the outbox is empty and the queue has stayed empty for a while).
        var expected = outbox.Select(o => o.MessageId.ToString()).ToHashSet();
        var received = new List<ReceivedMessage>(alreadyReceived);
        var deadline = DateTime.UtcNow + patience;
        var quietRounds = 0;
        while (DateTime.UtcNow < deadline && quietRounds < 3
               && !expected.IsSubsetOf(received.Select(m => m.Properties.MessageId!)))
        {
            var batch = await environment.Queue.ReceiveAsync(1000, TimeSpan.FromSeconds(5));
            received.AddRange(batch);
            quietRounds = batch.Count == 0 && await environment.OutboxBacklogAsync() == 0 ? quietRounds + 1 : 0;
        }

        // Whatever else arrives shortly after is a duplicate to count.
        received.AddRange(await environment.Queue.ReceiveAsync(int.MaxValue, TimeSpan.FromSeconds(3)));
        var messagesPerWaiver = received
            .GroupBy(m => (int)JsonNode.Parse(m.Body)!["id"]!)
            .ToDictionary(g => g.Key, g => g.Select(m => m.Properties.MessageId).Distinct().Count());
        var storedIds = rows.SelectMany(g => g).Select(r => r.Id).ToList();

        return new LoadVerdict
        {
            Requests = load.TotalRequests,
            Created = load.Requests(CreateOutcome.Created),
            Unavailable = load.Requests(CreateOutcome.Unavailable),
            ServerErrors = load.Requests(CreateOutcome.ServerError),
            Refused = load.Requests(CreateOutcome.Refused),
            Interrupted = load.Requests(CreateOutcome.Interrupted),
            Other = load.Requests(CreateOutcome.Other),
            WaiversConfirmed = confirmed,
            Lost = lost,
            Duplicated = duplicated,
            Mismatched = mismatched,
            StoredAfterRefusal = storedAfterRefusal,
            UnavailableButStored = unavailableStored,
            InterruptedButStored = interruptedStored,
            StoredWaivers = storedIds.Count,
            MessagesReceived = received.Count,
            DistinctMessages = received.Select(m => m.Properties.MessageId).Distinct().Count(),
            WaiversWithoutMessage = storedIds.Count(id => !messagesPerWaiver.ContainsKey(id)),
            WaiversWithSeveralMessages = messagesPerWaiver.Values.Count(n => n > 1),
            Redelivered = received.Count - received.Select(m => m.Properties.MessageId).Distinct().Count(),
        };
    }

    public override string ToString() =>
        $"requests {Requests}: 201 {Created}, 503 {Unavailable}, other 5xx {ServerErrors}, refused (service down) {Refused}, "
        + $"interrupted {Interrupted}, other {Other}; waivers confirmed {WaiversConfirmed}, lost {Lost}, duplicated {Duplicated}, "
        + $"mismatched {Mismatched}, stored after a refusal {StoredAfterRefusal}, 503 but stored {UnavailableButStored}, interrupted but stored {InterruptedButStored}; "
        + $"stored {StoredWaivers}, messages {MessagesReceived} ({DistinctMessages} distinct ids, {Redelivered} redelivered), "
        + $"waivers without a message {WaiversWithoutMessage}, with several {WaiversWithSeveralMessages}";

    private sealed record StoredRow(int Id, string SubjectType, string SubjectIdentifier, string Testcase, string ProductVersion, string Username, string Comment)
    {
        public bool Matches(SentWaiver sent) =>
            sent.Returned is { } returned
            && (int)returned["id"]! == Id
            && (string?)returned["comment"] == Comment
            && (string?)returned["username"] == Username && Username == sent.User
            && SubjectType == (string?)sent.Body["subject_type"]
            && SubjectIdentifier == (string?)sent.Body["subject_identifier"]
            && Testcase == (string?)sent.Body["testcase"]
            && ProductVersion == (string?)sent.Body["product_version"];
    }
}
