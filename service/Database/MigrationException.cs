namespace WaiverDb.Service.Database;

/// <summary>A schema script failed; the service does not start on a half-migrated schema.</summary>
public sealed class MigrationException(string message, Exception inner) : Exception(message, inner);
