using System.Text.Json;
using Dapper;
using Npgsql;
using WaiverDb.Contracts;
using WaiverDb.Contracts.Admin;
using WaiverDb.Service.Messaging;
using WaiverDb.Service.Waivers;

namespace WaiverDb.Service.Admin;

/// <summary>
/// The SQL of the administrators' operations. Each operation is one transaction: the
/// waiver change, its audit row and its outbox message are all stored, or none. The
/// waiver's row is locked first, so two operations on one waiver take turns and the
/// second sees what the first did.
/// </summary>
public sealed class AdminStore(NpgsqlDataSource database, OutboxWriter outbox)
{
    private const string LockSql = """
        SELECT id, subject_type, subject_identifier, testcase, scenario, username, proxied_by,
               product_version, waived, comment, "timestamp"
        FROM waiver
        WHERE id = @id
        FOR UPDATE
        """;

    // The revoke key: a newer waiver for the same subject, test case, scenario and product
    // version already replaces this one for Greenwave, whoever recorded it.
    private const string SupersedingSql = """
        SELECT max(id)
        FROM waiver newer
        WHERE newer.subject_identifier = @subjectIdentifier
          AND newer.testcase = @testcase
          AND newer.subject_type = @subjectType
          AND newer.scenario IS NOT DISTINCT FROM @scenario::text
          AND newer.product_version = @productVersion
          AND newer.id > @id
        """;

    private const string InsertRevocationSql = """
        INSERT INTO waiver (subject_type, subject_identifier, testcase, scenario, username, proxied_by,
                            product_version, waived, comment, "timestamp")
        VALUES (@subjectType, @subjectIdentifier, @testcase, @scenario, @admin, NULL,
                @productVersion, false, @comment, clock_timestamp() AT TIME ZONE 'UTC')
        RETURNING id, subject_type, subject_identifier, testcase, scenario, username, proxied_by,
                  product_version, waived, comment, "timestamp"
        """;

    private const string InsertAuditSql = """
        INSERT INTO waiverdb_admin_audit (action, admin, reason, waiver_id, subject_type, subject_identifier,
                                          testcase, scenario, product_version, revocation_id)
        VALUES (@action, @admin, @reason, @waiverId, @subjectType, @subjectIdentifier,
                @testcase, @scenario, @productVersion, @revocationId)
        RETURNING id, action, admin, reason, "timestamp", waiver_id, subject_type, subject_identifier,
                  testcase, scenario, product_version, revocation_id
        """;

    /// <summary>
    /// Records a <c>waived: false</c> waiver for the key of waiver <paramref name="id"/>, by
    /// <paramref name="admin"/>, with the audit row and the <c>waiverdb.waiver.new</c> message.
    /// </summary>
    public async Task<AdminOutcome> RevokeAsync(int id, string admin, string reason, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var original = await connection.QuerySingleOrDefaultAsync<WaiverRow>(new CommandDefinition(LockSql, new { id }, transaction, cancellationToken: ct));
        if (original is null)
        {
            return AdminOutcome.NotFound(id);
        }

        var key = new
        {
            id,
            subjectType = original.SubjectType,
            subjectIdentifier = original.SubjectIdentifier,
            testcase = original.Testcase,
            scenario = original.Scenario,
            productVersion = original.ProductVersion,
        };
        var newer = await connection.ExecuteScalarAsync<int?>(new CommandDefinition(SupersedingSql, key, transaction, cancellationToken: ct));
        if (newer is { } supersedingId)
        {
            return AdminOutcome.Refused(StatusCodes.Status409Conflict,
                $"Waiver {id} is obsolete: waiver {supersedingId} replaces it; revoke waiver {supersedingId} instead");
        }

        if (!original.Waived)
        {
            return AdminOutcome.Refused(StatusCodes.Status409Conflict, $"Waiver {id} already says waived: false; there is nothing to revoke");
        }

        var revocation = (await connection.QuerySingleAsync<WaiverRow>(new CommandDefinition(InsertRevocationSql, new
        {
            key.subjectType,
            key.subjectIdentifier,
            key.testcase,
            key.scenario,
            key.productVersion,
            admin,
            comment = $"Revoked by {admin}: {reason}",
        }, transaction, cancellationToken: ct))).ToWaiver();
        var audit = await AuditAsync(connection, transaction, AdminAction.Revoke, admin, reason, original, revocation.Id, ct);
        await outbox.AddAsync(connection, transaction, [revocation], ct);
        await transaction.CommitAsync(ct);
        outbox.Committed(1);
        return new AdminOutcome(new AdminActionResponse(audit, revocation));
    }

    private const string DeleteSql = """
        DELETE FROM waiver WHERE id = @id
        """;

    /// <summary>
    /// Deletes waiver <paramref name="id"/> and its new-waiver messages, keeping an audit
    /// row with its id and key and publishing <c>waiverdb.waiver.deleted</c>.
    /// </summary>
    public async Task<AdminOutcome> RemoveAsync(int id, string admin, string reason, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var original = await connection.QuerySingleOrDefaultAsync<WaiverRow>(new CommandDefinition(LockSql, new { id }, transaction, cancellationToken: ct));
        if (original is null)
        {
            return AdminOutcome.NotFound(id);
        }

        await connection.ExecuteAsync(new CommandDefinition(DeleteSql, new { id }, transaction, cancellationToken: ct));
        await OutboxWriter.ForgetWaiverAsync(connection, transaction, id, ct);
        var audit = await AuditAsync(connection, transaction, AdminAction.Remove, admin, reason, original, null, ct);
        var message = new WaiverDeletedMessage(id, original.SubjectType, original.SubjectIdentifier, original.Testcase, original.Scenario,
            original.ProductVersion);
        await outbox.AddAsync(connection, transaction, OutboxWriter.WaiverDeletedTopic,
            JsonSerializer.Serialize(message, WaiverDbJsonContext.Default.WaiverDeletedMessage), id, ct);
        await transaction.CommitAsync(ct);
        outbox.Committed(1);
        return new AdminOutcome(new AdminActionResponse(audit, null));
    }

    private const string AuditPageSql = """
        SELECT id, action, admin, reason, "timestamp", waiver_id, subject_type, subject_identifier,
               testcase, scenario, product_version, revocation_id, count(*) OVER () AS total_count
        FROM waiverdb_admin_audit
        WHERE @waiverId::integer IS NULL OR waiver_id = @waiverId::integer
        ORDER BY id DESC
        LIMIT @limit OFFSET @offset
        """;

    /// <summary>A page of the audit log, newest first (optionally about one waiver), and how many entries match.</summary>
    public async Task<(IReadOnlyList<AdminAuditEntry> Entries, long Total)> AuditPageAsync(int? waiverId, int limit, int offset, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<AdminAuditRow>(new CommandDefinition(AuditPageSql, new { waiverId, limit, offset },
            cancellationToken: ct))).AsList();
        return ([.. rows.Select(r => r.ToEntry())], rows.Count > 0 ? rows[0].TotalCount : 0);
    }

    private static async Task<AdminAuditEntry> AuditAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string action,
        string admin, string reason, WaiverRow waiver, int? revocationId, CancellationToken ct)
    {
        var row = await connection.QuerySingleAsync<AdminAuditRow>(new CommandDefinition(InsertAuditSql, new
        {
            action,
            admin,
            reason,
            waiverId = waiver.Id,
            subjectType = waiver.SubjectType,
            subjectIdentifier = waiver.SubjectIdentifier,
            testcase = waiver.Testcase,
            scenario = waiver.Scenario,
            productVersion = waiver.ProductVersion,
            revocationId,
        }, transaction, cancellationToken: ct));
        return row.ToEntry();
    }
}
