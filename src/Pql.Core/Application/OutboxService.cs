using Pql.Core.Playbooks;
using Pql.Core.Playbooks.Connectors;
using Pql.Core.State;

namespace Pql.Core.Application;

public sealed record OutboxRequest(string Workspace) : UseCaseRequest(Workspace)
{
    /// <summary>Put dead and failed actions back to pending and resume paused connectors.</summary>
    public bool RetryDead { get; init; }
    /// <summary>Hold back this connector's actions (with <see cref="PauseReason"/>).</summary>
    public string? Pause { get; init; }
    public string PauseReason { get; init; } = "paused by an operator";
    /// <summary>Let this connector's actions be delivered again.</summary>
    public string? Resume { get; init; }
    /// <summary>Deliver pending actions now.</summary>
    public bool Dispatch { get; init; }
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromMinutes(2);
    /// <summary>How long claimed actions stay leased to this dispatcher (after a crash, how long until another may send them).</summary>
    public TimeSpan LeaseDuration { get; init; } = new DispatchOptions().LeaseDuration;
    /// <summary>List only this status (all when null).</summary>
    public OutboxStatus? Status { get; init; }
    /// <summary>Actions to list.</summary>
    public int Limit { get; init; } = 20;
}

public sealed record OutboxResult(
    int? RetriedDead,
    bool? Resumed,
    DispatchReport? Dispatch,
    IReadOnlyDictionary<OutboxStatus, int> Counts,
    IReadOnlyList<OutboxAction> Actions,
    IReadOnlyList<PausedConnector> Paused);

/// <summary>The outbox use case: retry dead actions, pause or resume a connector, deliver, then list what is there.</summary>
public sealed class OutboxService(TimeProvider? time = null, HttpMessageHandler? http = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public async Task<OutboxResult> RunAsync(OutboxRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var session = WorkspaceSession.Open(request.Workspace, loadData: false);
        await session.AuditConfigAsync(request.By, cancellationToken).ConfigureAwait(false);
        var outbox = session.State;
        int? retried = null;
        bool? resumed = null;
        DispatchReport? report = null;
        if (request.RetryDead)
            retried = await outbox.RetryDeadAsync(_time.GetUtcNow().ToUnixTimeMilliseconds(), request.By, cancellationToken).ConfigureAwait(false);
        if (request.Resume is { } resume)
            resumed = await outbox.ResumeConnectorAsync(resume, request.By, cancellationToken).ConfigureAwait(false);
        if (request.Pause is { } pause)
            await outbox.PauseConnectorAsync(pause, request.PauseReason, request.By, cancellationToken).ConfigureAwait(false);
        if (request.Dispatch)
        {
            var playbooks = PlaybookConfig.Parse(session.Config);
            var secrets = new SecretResolver();
            using var client = Client(http);
            var context = new ConnectorContext(client, secrets, _time, session.Config.Directory);
            var dispatcher = new OutboxDispatcher(outbox, ConnectorFactory.CreateAll(playbooks.Connectors, context), _time,
                new DispatchOptions { MaxWait = request.MaxWait, LeaseDuration = request.LeaseDuration }, log: request.Log, secrets: secrets, owner: OutboxDispatcher.OwnerFor(request.By));
            Log.Progress(request.Log, "delivering the outbox");
            report = await dispatcher.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        var counts = await outbox.OutboxCountsAsync(cancellationToken).ConfigureAwait(false);
        var listed = await List(outbox, request.Status, Math.Max(0, request.Limit), cancellationToken).ConfigureAwait(false);
        var paused = await outbox.PausedConnectorsAsync(cancellationToken).ConfigureAwait(false);
        return new OutboxResult(retried, resumed, report, counts, listed, paused);
    }

    /// <summary>Failed and dead first (they need a person), then pending, then delivered, up to <paramref name="limit"/>.</summary>
    private static async Task<List<OutboxAction>> List(IOutbox outbox, OutboxStatus? only, int limit, CancellationToken ct)
    {
        var statuses = only is { } one ? [one] : new[] { OutboxStatus.Failed, OutboxStatus.Dead, OutboxStatus.Pending, OutboxStatus.Delivered };
        var list = new List<OutboxAction>();
        foreach (var status in statuses)
        {
            if (list.Count >= limit)
                break;
            list.AddRange(await outbox.OutboxAsync(status, limit - list.Count, ct).ConfigureAwait(false));
        }
        return list;
    }

    /// <summary>The HTTP client connectors send with: no client-wide timeout (each connector sets its own per request).</summary>
    internal static HttpClient Client(HttpMessageHandler? handler) =>
        handler is null ? new HttpClient { Timeout = Timeout.InfiniteTimeSpan } : new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
}
