using Prometheus;

namespace WaiverDb.Service.Messaging;

/// <summary>
/// The messaging metrics on <c>/api/v1.0/metrics</c>. The counters keep upstream's
/// <c>messaging_tx_*</c> names so existing dashboards still read them; the gauges show
/// an outage that the health check, which only checks the database, does not.
/// </summary>
internal static class MessagingMetrics
{
    public static readonly Counter ToSend = Metrics.CreateCounter(
        "messaging_tx_to_send_total", "Messages written to the outbox by this instance.");

    public static readonly Counter Stopped = Metrics.CreateCounter(
        "messaging_tx_stopped_total", "Waivers created while MESSAGE_BUS_PUBLISH is false (no message written).");

    public static readonly Counter SentOk = Metrics.CreateCounter(
        "messaging_tx_sent_ok_total", "Messages the broker confirmed to this instance.");

    public static readonly Counter Failed = Metrics.CreateCounter(
        "messaging_tx_failed_total", "Message publications that failed and will be retried.");

    public static readonly Gauge Backlog = Metrics.CreateGauge(
        "waiverdb_outbox_backlog", "Messages in the outbox not yet confirmed by the broker (all instances).");

    public static readonly Gauge OldestPendingAge = Metrics.CreateGauge(
        "waiverdb_outbox_oldest_pending_age_seconds", "Age of the oldest message not yet confirmed by the broker; 0 when none.");

    private static long _oldestPendingTicks;
    private static int _registered;

    /// <summary>Remembers when the oldest pending message was written; the age is computed at each scrape.</summary>
    public static void SetOldestPending(DateTimeOffset? createdAt) =>
        Interlocked.Exchange(ref _oldestPendingTicks, createdAt?.UtcTicks ?? 0);

    /// <summary>Shows every series from the start (zeros included) and keeps the age current at each scrape.</summary>
    public static void Register()
    {
        // Once per process: test runs start many hosts.
        if (Interlocked.Exchange(ref _registered, 1) == 1)
        {
            return;
        }

        ToSend.Publish();
        Stopped.Publish();
        SentOk.Publish();
        Failed.Publish();
        Backlog.Publish();
        Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
        {
            var ticks = Interlocked.Read(ref _oldestPendingTicks);
            OldestPendingAge.Set(ticks == 0 ? 0 : Math.Max(0, (DateTimeOffset.UtcNow.UtcTicks - ticks) / (double)TimeSpan.TicksPerSecond));
        });
    }
}
