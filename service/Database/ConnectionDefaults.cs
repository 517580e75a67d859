using Npgsql;

namespace WaiverDb.Service.Database;

/// <summary>Session settings the service's queries are written for, applied to every pooled connection.</summary>
public static class ConnectionDefaults
{
    /// <summary>How many statement texts each connection keeps prepared; the service has a handful.</summary>
    public const int MaxAutoPrepare = 32;

    public static NpgsqlDataSourceBuilder WithQueryDefaults(this NpgsqlDataSourceBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var connection = builder.ConnectionStringBuilder;

        // The waiver query's planner estimate includes index and table-scan branches that
        // its one-time filters never run, which pushes it past jit_above_cost: compiling it
        // would cost hundreds of milliseconds for a query that runs in a few. As a start-up
        // option (not a SET) it survives the reset of a connection returned to the pool.
        if (connection.Options?.Contains("jit", StringComparison.Ordinal) != true)
        {
            connection.Options = string.IsNullOrEmpty(connection.Options) ? "-c jit=off" : connection.Options + " -c jit=off";
        }

        // The same few statement texts run on every request: parsing and planning them once
        // per connection is most of what a small query costs.
        if (connection.MaxAutoPrepare == 0)
        {
            connection.MaxAutoPrepare = MaxAutoPrepare;
        }

        // The service never changes session state (no SET, LISTEN, advisory locks or
        // temporary tables on these connections; the migrator has its own), so the reset
        // Npgsql would otherwise send with every request returned to the pool is skipped.
        connection.NoResetOnClose = true;

        return builder;
    }
}
