using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;

namespace WaiverDb.Service.Hosting;

/// <summary>
/// Upstream's <c>db_transaction_rollback</c>: transactions rolled back, whether explicitly or
/// (the usual case) disposed without a commit after a failure. Npgsql reports each rollback
/// as a debug event of its transaction logger, so the count needs no change to the stores:
/// this factory, given to the data source, counts those events and logs nothing.
/// </summary>
internal sealed class TransactionRollbacks : ILoggerFactory, ILogger
{
    private const string TransactionCategory = "Npgsql.Transaction";
    private const string RolledBackEvent = "RolledBackTransaction";

    /// <summary>The counter, under upstream's name (its monitor.py).</summary>
    public static readonly Counter Counter = Metrics.CreateCounter("db_transaction_rollback_total", "Number of 'rollback' events");

    public ILogger CreateLogger(string categoryName) => categoryName == TransactionCategory ? this : NullLogger.Instance;

    public bool IsEnabled(LogLevel logLevel) => logLevel == LogLevel.Debug;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (eventId.Name == RolledBackEvent)
        {
            Counter.Inc();
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }
}
