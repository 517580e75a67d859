using System.Data;
using Dapper;
using Npgsql;
using WaiverDb.Contracts.Waivers;
using WaiverDb.Service.Messaging;

namespace WaiverDb.Service.Waivers;

/// <summary>All SQL of the waiver table. Values are always parameters; the text never changes.</summary>
public sealed class WaiverStore(NpgsqlDataSource database, OutboxWriter outbox)
{
    private const string GetSql = """
        SELECT id, subject_type, subject_identifier, testcase, scenario, username, proxied_by,
               product_version, waived, comment, "timestamp"
        FROM waiver
        WHERE id = @id
        """;

    public async Task<Waiver?> GetAsync(int id, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<WaiverRow>(new CommandDefinition(GetSql, new { id }, cancellationToken: ct));
        return row?.ToWaiver();
    }

    // The filters travel as parallel arrays, one element per filter, so one statement text
    // serves one filter or hundreds. Each filter is looked up on its own through the index
    // its fields allow (the branches' one-time filters pick one per filter at run time):
    // subject and test case, subject, test case, or user ("my waivers" in the CLI), so the
    // cost follows the waivers that match, not the table. A filter with none of those four
    // (product version or time alone, or no filter at all) reads the table, unless it is
    // GET /waivers/'s list of current waivers, which CurrentSql answers. A waiver is
    // obsolete when a newer one (higher id) has the same key; the key depends on the
    // endpoint (see Obsolescence) and is checked per matching row by a probe of
    // waiverdb_waiver_key_idx. NULL scenarios are one group, as in upstream's GROUP BY.
    // The count is of the matching rows only, which the page's `last` link needs.
    // Each array is read through a scalar sub-select so that the planner cannot see its
    // length: otherwise a custom plan for one filter looks ten times cheaper than the
    // generic plan (which assumes ten), PostgreSQL never settles on the generic plan, and a
    // connection serving single-filter lists re-plans the statement on every call (about
    // 1 ms of the database's CPU, more than running it). Nothing else in the plan depends
    // on the values, so the generic plan is the same plan.
    private const string QuerySql = """
        WITH f AS (
            SELECT *
            FROM unnest((SELECT @subjectTypes::text[]), (SELECT @subjectIdentifiers::text[]),
                        (SELECT @testcases::text[]), (SELECT @scenarios::text[]),
                        (SELECT @productVersions::text[]), (SELECT @usernames::text[]),
                        (SELECT @proxiedBys::text[]), (SELECT @sinceFroms::timestamp[]),
                        (SELECT @sinceTos::timestamp[]))
                 AS f(subject_type, subject_identifier, testcase, scenario, product_version,
                      username, proxied_by, since_from, since_to)
        ),
        matched AS (
            SELECT DISTINCT m.id
            FROM f
            CROSS JOIN LATERAL (
                SELECT w.id, w.subject_type, w.scenario, w.product_version, w.username, w.proxied_by, w."timestamp"
                FROM waiver w
                WHERE f.subject_identifier IS NOT NULL AND f.testcase IS NOT NULL
                  AND w.subject_identifier = f.subject_identifier AND w.testcase = f.testcase
                UNION ALL
                SELECT w.id, w.subject_type, w.scenario, w.product_version, w.username, w.proxied_by, w."timestamp"
                FROM waiver w
                WHERE f.subject_identifier IS NOT NULL AND f.testcase IS NULL
                  AND w.subject_identifier = f.subject_identifier
                UNION ALL
                SELECT w.id, w.subject_type, w.scenario, w.product_version, w.username, w.proxied_by, w."timestamp"
                FROM waiver w
                WHERE f.subject_identifier IS NULL AND f.testcase IS NOT NULL
                  AND w.testcase = f.testcase
                UNION ALL
                SELECT w.id, w.subject_type, w.scenario, w.product_version, w.username, w.proxied_by, w."timestamp"
                FROM waiver w
                WHERE f.subject_identifier IS NULL AND f.testcase IS NULL AND f.username IS NOT NULL
                  AND w.username = f.username
                UNION ALL
                SELECT w.id, w.subject_type, w.scenario, w.product_version, w.username, w.proxied_by, w."timestamp"
                FROM waiver w
                WHERE f.subject_identifier IS NULL AND f.testcase IS NULL AND f.username IS NULL) AS m
            WHERE (f.subject_type IS NULL OR m.subject_type = f.subject_type)
              AND (f.scenario IS NULL OR m.scenario = f.scenario)
              AND (f.product_version IS NULL OR m.product_version = f.product_version)
              AND (f.username IS NULL OR m.username = f.username)
              AND (f.proxied_by IS NULL OR m.proxied_by = f.proxied_by)
              AND (f.since_from IS NULL OR m."timestamp" >= f.since_from)
              AND (f.since_to IS NULL OR m."timestamp" <= f.since_to)
        )
        SELECT w.id, w.subject_type, w.subject_identifier, w.testcase, w.scenario, w.username,
               w.proxied_by, w.product_version, w.waived, w.comment, w."timestamp",
               count(*) OVER () AS total_count
        FROM matched
        JOIN waiver w ON w.id = matched.id
        WHERE @includeObsolete OR NOT EXISTS (
                SELECT 1
                FROM waiver newer
                WHERE newer.subject_identifier = w.subject_identifier
                  AND newer.testcase = w.testcase
                  AND newer.subject_type = w.subject_type
                  AND newer.id > w.id
                  AND newer.scenario IS NOT DISTINCT FROM w.scenario
                  AND (NOT @perUser OR (newer.username = w.username AND newer.product_version = w.product_version)))
        ORDER BY w."timestamp" DESC NULLS LAST, w.id DESC
        LIMIT @limit OFFSET @offset
        """;

    // A list of current waivers with no subject, test case or user to look up (the start
    // page, `waiverdb-cli list`, GET /waivers/?product_version=...) would otherwise read
    // the whole table: instead it walks waiverdb_waiver_current (one row per key, kept by
    // triggers, see 006_create_waiver_current.sql) newest first, stopping at the page's
    // end. The `last` link's count comes from the trigger-kept change rows when the only
    // filter is the product version (the common lists), else from counting that table
    // (one row per key, not per waiver). The filter is written out twice, for the page and
    // for the count, because a CTE shared by both would be computed whole before the LIMIT.
    private const string CurrentSql = """
        SELECT w.id, w.subject_type, w.subject_identifier, w.testcase, w.scenario, w.username,
               w.proxied_by, w.product_version, w.waived, w.comment, w."timestamp",
               CASE
                   WHEN @subjectType::text IS NULL AND @scenario::text IS NULL AND @proxiedBy::text IS NULL
                        AND @sinceFrom::timestamp IS NULL AND @sinceTo::timestamp IS NULL
                   THEN (SELECT coalesce(sum(n), 0)
                         FROM waiverdb_waiver_current_count
                         WHERE @productVersion::text IS NULL OR product_version = @productVersion)
                   ELSE (SELECT count(*)
                         FROM waiverdb_waiver_current c
                         WHERE (@subjectType::text IS NULL OR c.subject_type = @subjectType)
                           AND (@scenario::text IS NULL OR c.scenario = @scenario)
                           AND (@productVersion::text IS NULL OR c.product_version = @productVersion)
                           AND (@sinceFrom::timestamp IS NULL OR c."timestamp" >= @sinceFrom)
                           AND (@sinceTo::timestamp IS NULL OR c."timestamp" <= @sinceTo)
                           AND (@proxiedBy::text IS NULL OR c.proxied_by = @proxiedBy))
               END::bigint AS total_count
        FROM waiverdb_waiver_current c
        JOIN waiver w ON w.id = c.id
        WHERE (@subjectType::text IS NULL OR c.subject_type = @subjectType)
          AND (@scenario::text IS NULL OR c.scenario = @scenario)
          AND (@productVersion::text IS NULL OR c.product_version = @productVersion)
          AND (@sinceFrom::timestamp IS NULL OR c."timestamp" >= @sinceFrom)
          AND (@sinceTo::timestamp IS NULL OR c."timestamp" <= @sinceTo)
          AND (@proxiedBy::text IS NULL OR c.proxied_by = @proxiedBy)
        ORDER BY c."timestamp" DESC NULLS LAST, c.id DESC
        LIMIT @limit OFFSET @offset
        """;

    /// <summary>The matching waivers, newest first, and how many match in all (0 when the page is empty).</summary>
    public async Task<(IReadOnlyList<Waiver> Waivers, long Total)> QueryAsync(WaiverQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query is { IncludeObsolete: false, Obsolescence: Obsolescence.PerUserAndProductVersion, Filters: [{ SubjectIdentifier: null, Testcase: null, Username: null } only] })
        {
            return await QueryCurrentAsync(only, query, ct);
        }

        var f = query.Filters;
        var args = new
        {
            subjectTypes = f.Select(x => x.SubjectType).ToArray(),
            subjectIdentifiers = f.Select(x => x.SubjectIdentifier).ToArray(),
            testcases = f.Select(x => x.Testcase).ToArray(),
            scenarios = f.Select(x => x.Scenario).ToArray(),
            productVersions = f.Select(x => x.ProductVersion).ToArray(),
            usernames = f.Select(x => x.Username).ToArray(),
            proxiedBys = f.Select(x => x.ProxiedBy).ToArray(),
            sinceFroms = f.Select(x => x.SinceFrom).ToArray(),
            sinceTos = f.Select(x => x.SinceTo).ToArray(),
            includeObsolete = query.IncludeObsolete,
            perUser = query.Obsolescence == Obsolescence.PerUserAndProductVersion,
            limit = query.Limit,
            offset = query.Offset,
        };
        await using var connection = await database.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<WaiverRow>(new CommandDefinition(QuerySql, args, cancellationToken: ct))).AsList();
        return Page(rows);
    }

    private async Task<(IReadOnlyList<Waiver> Waivers, long Total)> QueryCurrentAsync(FilterRow filter, WaiverQuery query, CancellationToken ct)
    {
        var args = new
        {
            subjectType = filter.SubjectType,
            scenario = filter.Scenario,
            productVersion = filter.ProductVersion,
            proxiedBy = filter.ProxiedBy,
            sinceFrom = filter.SinceFrom,
            sinceTo = filter.SinceTo,
            limit = query.Limit,
            offset = query.Offset,
        };
        await using var connection = await database.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<WaiverRow>(new CommandDefinition(CurrentSql, args, cancellationToken: ct))).AsList();
        return Page(rows);
    }

    private static (IReadOnlyList<Waiver> Waivers, long Total) Page(List<WaiverRow> rows) =>
        ([.. rows.Select(r => r.ToWaiver())], rows.Count > 0 ? rows[0].TotalCount : 0);

    // One statement for the whole list: it is atomic on its own, and ids follow the list's
    // order because the rows are inserted in ordinality order. clock_timestamp() (not now())
    // gives each waiver of a list its own instant, as upstream's per-object timestamps do.
    private const string InsertSql = """
        INSERT INTO waiver (subject_type, subject_identifier, testcase, scenario, username, proxied_by,
                            product_version, waived, comment, "timestamp")
        SELECT v.subject_type, v.subject_identifier, v.testcase, v.scenario, v.username, v.proxied_by,
               v.product_version, v.waived, v.comment, clock_timestamp() AT TIME ZONE 'UTC'
        FROM unnest(@subjectTypes::text[], @subjectIdentifiers::text[], @testcases::text[], @scenarios::text[],
                    @usernames::text[], @proxiedBys::text[], @productVersions::text[], @waived::boolean[],
                    @comments::text[])
             WITH ORDINALITY
             AS v(subject_type, subject_identifier, testcase, scenario, username, proxied_by,
                  product_version, waived, comment, ordinal)
        ORDER BY v.ordinal
        RETURNING id, subject_type, subject_identifier, testcase, scenario, username, proxied_by,
                  product_version, waived, comment, "timestamp"
        """;

    /// <summary>Stores every waiver or none, with their messages in the outbox; returns them in the order given.</summary>
    public async Task<IReadOnlyList<Waiver>> CreateAsync(IReadOnlyList<NewWaiver> waivers, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(waivers);
        var args = new
        {
            subjectTypes = waivers.Select(w => w.SubjectType).ToArray(),
            subjectIdentifiers = waivers.Select(w => w.SubjectIdentifier).ToArray(),
            testcases = waivers.Select(w => w.Testcase).ToArray(),
            scenarios = waivers.Select(w => w.Scenario).ToArray(),
            usernames = waivers.Select(w => w.Username).ToArray(),
            proxiedBys = waivers.Select(w => w.ProxiedBy).ToArray(),
            productVersions = waivers.Select(w => w.ProductVersion).ToArray(),
            waived = waivers.Select(w => w.Waived).ToArray(),
            comments = waivers.Select(w => w.Comment).ToArray(),
        };
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var rows = await connection.QueryAsync<WaiverRow>(new CommandDefinition(InsertSql, args, transaction, cancellationToken: ct));
        List<Waiver> created = [.. rows.OrderBy(r => r.Id).Select(r => r.ToWaiver())];
        await outbox.AddAsync(connection, transaction, created, ct);
        try
        {
            await transaction.CommitAsync(ct);
        }
        catch (NpgsqlException) when (created.Count > 0 && connection.State != ConnectionState.Open)
        {
            // The connection broke with COMMIT on its way: the server may have committed before
            // it went (PostgreSQL stopping with `immediate` right after writing the commit
            // record does exactly that). An error that leaves the connection open (a deferred
            // constraint, say) is a rollback for certain and goes up unchanged. A 503 then would tell the client that a stored waiver
            // was not, and a retry would store it twice. The ids came back from RETURNING and
            // the rows commit all together or not at all, so one lookup settles it.
            if (!await CommittedAsync(created[0].Id, ct))
            {
                throw;
            }
        }

        outbox.Committed(created.Count);
        return created;
    }

    private const string ExistsSql = """
        SELECT EXISTS (SELECT 1 FROM waiver WHERE id = @id)
        """;

    // Long enough for a restarting PostgreSQL to accept connections again (3-5 s in the
    // fault runs of docs/reliability.md), short enough for a client still waiting.
    private static readonly TimeSpan CommitCheckWindow = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Whether the waiver <paramref name="id"/>, written by a transaction whose COMMIT lost its
    /// connection, was committed; false when the database cannot say within the window
    /// (the caller then answers 503 as for any outage).
    /// </summary>
    private async Task<bool> CommittedAsync(int id, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + CommitCheckWindow;
        while (true)
        {
            try
            {
                await using var connection = await database.OpenConnectionAsync(ct);
                // Ids are never handed out twice, so a row with this id is the one written.
                return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(ExistsSql, new { id }, cancellationToken: ct));
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
            }
            catch (NpgsqlException)
            {
                return false;
            }
        }
    }
}
