using Prometheus;

namespace Pql.Server.Live;

/// <summary>The server's Prometheus metrics, in a registry of its own (so several servers in one test process do not share counts).</summary>
public sealed class ServerMetrics
{
    public ServerMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        EventsAccepted = factory.CreateCounter("pql_events_accepted_total", "Events durably written by POST /v1/events.");
        EventsRejected = factory.CreateCounter("pql_events_rejected_total", "Events rejected by POST /v1/events (bad rows).");
        EventsDuplicate = factory.CreateCounter("pql_events_duplicate_total", "Events skipped because their event_id was already stored.");
        RescoreLatency = factory.CreateHistogram("pql_rescore_latency_seconds", "From an event's 202 answer to its entity's rescored row being stored.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.01, 2, 12) });
        Rescorings = factory.CreateCounter("pql_rescorings_total", "Coalesced rescoring passes.");
        EntitiesRescored = factory.CreateCounter("pql_entities_rescored_total", "Entity rows written by the rescorer.");
        TriggersFired = factory.CreateCounter("pql_triggers_fired_total", "Trigger firings written by the rescorer.");
        OutboxDepth = factory.CreateGauge("pql_outbox_depth", "Outbox actions per status.", "status");
        OutboxOldestPendingAge = factory.CreateGauge("pql_outbox_oldest_pending_age_seconds", "Age of the oldest pending outbox action.");
        ModelVersion = factory.CreateGauge("pql_model_info", "The current model per goal (value 1).", "goal", "version", "kind");
    }

    public CollectorRegistry Registry { get; }
    public Counter EventsAccepted { get; }
    public Counter EventsRejected { get; }
    public Counter EventsDuplicate { get; }
    public Histogram RescoreLatency { get; }
    public Counter Rescorings { get; }
    public Counter EntitiesRescored { get; }
    public Counter TriggersFired { get; }
    public Gauge OutboxDepth { get; }
    public Gauge OutboxOldestPendingAge { get; }
    public Gauge ModelVersion { get; }
}
