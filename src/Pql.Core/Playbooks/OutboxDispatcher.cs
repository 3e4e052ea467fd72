using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pql.Core.Playbooks.Connectors;
using Pql.Core.State;

namespace Pql.Core.Playbooks;

/// <summary>
/// Delivers pending outbox actions through their connectors. It claims a batch under a lease (<see cref="IOutbox.ClaimDueAsync"/>),
/// so any number of dispatchers share the outbox without sending an action twice; a crashed dispatcher's lease expires and its
/// actions are claimed again. The claimed actions are split by connector and each connector's share is delivered on its own
/// task, so a slow or failing system does not hold the others. Each result is written back before that connector's next call.
/// <para>
/// Nothing a connector does stops the dispatcher: an exception is a counted, classified attempt on the action it was sending.
/// Transient failures back off exponentially with seeded jitter (or exactly the server's Retry-After); after
/// <see cref="DispatchOptions.MaxAttempts"/> or <see cref="DispatchOptions.GiveUpAfter"/> the action is dead. Invalid requests are
/// dead at once. A used-up quota defers the action (and the connector's other claimed actions) to the reset without spending an
/// attempt. A credentials failure pauses the connector: its actions wait, pending, until <c>pql outbox --retry-dead</c> or a
/// change of the connector's config (<see cref="IConnector.Fingerprint"/>, stored with the pause).
/// </para>
/// </summary>
public sealed class OutboxDispatcher
{
    /// <summary>Marks a pause the dispatcher made, with the config fingerprint it was made under.</summary>
    internal const string ConfigMarker = " [paused under config ";

    private readonly IOutbox _outbox;
    private readonly IReadOnlyDictionary<string, IConnector> _connectors;
    private readonly TimeProvider _time;
    private readonly DispatchOptions _options;
    private readonly Func<TimeSpan, CancellationToken, Task> _sleep;
    private readonly SecretResolver? _secrets;
    private readonly Random _jitter;
    private readonly ILogger _logger;

    /// <summary>
    /// <paramref name="sleep"/> waits for a retry (default: <c>Task.Delay</c> on <paramref name="time"/>); <paramref name="log"/> gets
    /// one redacted line per attempt (a Debug <c>Detail</c> event) besides the structured events (deferrals, lost leases);
    /// <paramref name="secrets"/> scrubs details once more before they are stored; <paramref name="owner"/>
    /// names this dispatcher's leases (default: <see cref="OwnerFor"/> the operating-system user).
    /// </summary>
    public OutboxDispatcher(IOutbox outbox, IReadOnlyDictionary<string, IConnector> connectors, TimeProvider time, DispatchOptions? options = null,
        Func<TimeSpan, CancellationToken, Task>? sleep = null, ILogger? log = null, SecretResolver? secrets = null, string? owner = null)
    {
        _outbox = outbox ?? throw new ArgumentNullException(nameof(outbox));
        _connectors = connectors ?? throw new ArgumentNullException(nameof(connectors));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _options = options ?? new DispatchOptions();
        _options.Validate();
        _sleep = sleep ?? ((d, ct) => Task.Delay(d, _time, ct));
        _secrets = secrets;
        _jitter = new Random(_options.Seed);
        _logger = log ?? NullLogger.Instance;
        Owner = owner ?? OwnerFor(Actor.OperatingSystemUser());
    }

    /// <summary>The lease owner this dispatcher claims as: unique per dispatcher instance.</summary>
    public string Owner { get; }

    private static readonly Actor s_self = Actor.System("dispatcher");

    /// <summary>A lease owner naming who runs the dispatcher and where: <c>actor@host:pid:random</c>.</summary>
    public static string OwnerFor(Actor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return string.Create(CultureInfo.InvariantCulture,
            $"{actor}@{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}");
    }

    public async Task<DispatchReport> RunAsync(CancellationToken cancellationToken = default)
    {
        using var tally = new Tally();
        await ResumeChangedConnectorsAsync(cancellationToken).ConfigureAwait(false);
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = NowMs;
            var due = await _outbox.ClaimDueAsync(Owner, now, _options.LeaseDuration, _options.BatchSize, cancellationToken).ConfigureAwait(false);
            if (due.Count == 0)
            {
                var next = await _outbox.NextClaimableMsAsync(cancellationToken).ConfigureAwait(false);
                if (next is null || TimeSpan.FromMilliseconds(next.Value - now) > _options.MaxWait)
                    break;
                await _sleep(TimeSpan.FromMilliseconds(Math.Max(0, next.Value - now)), cancellationToken).ConfigureAwait(false);
                continue;
            }
            var shares = due.GroupBy(a => a.Connector, StringComparer.Ordinal).Select(g => DeliverShareAsync(g.Key, [.. g], tally, cancellationToken));
            await Task.WhenAll(shares).ConfigureAwait(false);
        }
        var pending = (await _outbox.OutboxCountsAsync(cancellationToken).ConfigureAwait(false))[OutboxStatus.Pending];
        return new DispatchReport(tally.Attempts, tally.Delivered, tally.Retried, tally.Dead, tally.Failed, pending, tally.Deferred, tally.Waiting);
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Resumes connectors the dispatcher paused on credentials whose config has changed since.</summary>
    private async Task ResumeChangedConnectorsAsync(CancellationToken ct)
    {
        foreach (var paused in await _outbox.PausedConnectorsAsync(ct).ConfigureAwait(false))
        {
            var at = paused.Reason.LastIndexOf(ConfigMarker, StringComparison.Ordinal);
            if (at < 0 || !_connectors.TryGetValue(paused.Connector, out var connector))
                continue;   // paused by an operator, or no longer configured: leave it
            var was = paused.Reason[(at + ConfigMarker.Length)..].TrimEnd(']');
            if (was != SafeFingerprint(connector))
            {
                await _outbox.ResumeConnectorAsync(paused.Connector, s_self, ct).ConfigureAwait(false);
                Log.Detail(_logger, $"{paused.Connector}: config changed since it was paused on credentials; resumed");
            }
        }
    }

    private static string SafeFingerprint(IConnector connector)
    {
        try
        {
            return connector.Fingerprint();
        }
#pragma warning disable CA1031 // a fingerprint that cannot be computed is just "unknown": never a reason to stop dispatching
        catch (Exception)
#pragma warning restore CA1031
        {
            return "unknown";
        }
    }

    /// <summary>Delivers one connector's claimed actions in order; batch-capable connectors get runs of one action kind.</summary>
    private async Task DeliverShareAsync(string name, List<OutboxAction> actions, Tally tally, CancellationToken ct)
    {
        var share = new Share();
        if (!_connectors.TryGetValue(name, out var connector))
        {
            foreach (var action in actions)
                await FailUnconfiguredAsync(action, tally, ct).ConfigureAwait(false);
            return;
        }
        share.Connector = connector;
        var batcher = connector as IBatchConnector;
        var i = 0;
        while (i < actions.Count)
        {
            ct.ThrowIfCancellationRequested();
            var kind = actions[i].Action;
            var max = Math.Max(1, batcher?.MaxBatch(kind) ?? 1);
            var chunk = new List<OutboxAction>();
            while (i < actions.Count && chunk.Count < max && actions[i].Action == kind)
                chunk.Add(actions[i++]);
            if (chunk[0].LeaseUntilMs is { } until && NowMs >= until)
                return;   // the batch outlived its lease: another dispatcher may hold these now; claim afresh
            if (share.Held is { } held)
            {
                foreach (var action in chunk)
                    await HoldAsync(action, held, tally, ct).ConfigureAwait(false);
                continue;
            }
            var results = chunk.Count == 1 || batcher is null
                ? [await SendOneAsync(connector, chunk[0], ct).ConfigureAwait(false)]
                : await SendBatchAsync(batcher, chunk, ct).ConfigureAwait(false);
            for (var k = 0; k < chunk.Count; k++)
                await RecordAsync(chunk[k], results[k], share, tally, ct).ConfigureAwait(false);
        }
    }

    private static async Task<DeliveryResult> SendOneAsync(IConnector connector, OutboxAction action, CancellationToken ct)
    {
        try
        {
            return await connector.SendAsync(action, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // whatever a connector throws is an attempt on this action, never the end of the dispatcher
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return Thrown(ex);
        }
    }

    private static async Task<IReadOnlyList<DeliveryResult>> SendBatchAsync(IBatchConnector connector, List<OutboxAction> chunk, CancellationToken ct)
    {
        try
        {
            var results = await connector.SendBatchAsync(chunk, ct).ConfigureAwait(false);
            if (results.Count != chunk.Count)
                return Same(new DeliveryResult(DeliveryOutcome.Retry, $"{connector.Name}: {results.Count} results for {chunk.Count} actions"), chunk.Count);
            return results;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // as in SendOneAsync: a throwing batch is an attempt on each of its actions
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return Same(Thrown(ex), chunk.Count);
        }
    }

    private static DeliveryResult Thrown(Exception ex) =>
        new(DeliveryOutcome.Retry, $"the connector failed: {ex.GetType().Name}: {ex.Message}");

    private static DeliveryResult[] Same(DeliveryResult result, int count) => Enumerable.Repeat(result, count).ToArray();

    /// <summary>An action not sent because its connector was paused or deferred earlier in this share: it waits, no attempt spent.</summary>
    private async Task HoldAsync(OutboxAction action, DeliveryResult held, Tally tally, CancellationToken ct)
    {
        var until = held.Outcome == DeliveryOutcome.Deferred ? NowMs + (long)(held.RetryAfter ?? _options.BaseDelay).TotalMilliseconds : NowMs;
        var reason = held.Outcome == DeliveryOutcome.Deferred ? held.Detail : $"waiting on credentials: {held.Detail}";
        bool ok;
        await tally.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ok = await _outbox.DeferAsync(action.ActionId, Owner, until, Redact(reason), ct).ConfigureAwait(false);
        }
        finally
        {
            tally.Gate.Release();
        }
        if (held.Outcome == DeliveryOutcome.Deferred)
            Tally.Add(ref tally.Deferred, ok);
        else
            Tally.Add(ref tally.Waiting, ok);
    }

    /// <summary>An action whose connector left pql.yaml: failed (not dead), so <c>--retry-dead</c> sends it once the connector is back.</summary>
    private async Task FailUnconfiguredAsync(OutboxAction action, Tally tally, CancellationToken ct)
    {
        var reason = $"connector '{action.Connector}' is not configured in pql.yaml any more";
        await tally.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            Interlocked.Increment(ref tally.Attempts);
            Tally.Add(ref tally.Failed, await _outbox.MarkFailedAsync(action.ActionId, Owner, action.Attempts + 1, reason, ct).ConfigureAwait(false));
        }
        finally
        {
            tally.Gate.Release();
        }
        Log.Detail(_logger, $"{action.ActionId} {action.Connector}/{action.Action} {action.EntityId}: failed: {reason}");
    }

    private async Task RecordAsync(OutboxAction action, DeliveryResult result, Share share, Tally tally, CancellationToken ct)
    {
        var detail = Redact(result.Detail);
        await tally.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await RecordLockedAsync(action, result with { Detail = detail }, share, tally, ct).ConfigureAwait(false);
        }
        finally
        {
            tally.Gate.Release();
        }
    }

    private async Task RecordLockedAsync(OutboxAction action, DeliveryResult result, Share share, Tally tally, CancellationToken ct)
    {
        var at = NowMs;
        var detail = result.Detail;
        bool held;
        if (result.Outcome == DeliveryOutcome.Deferred)
        {
            var wait = result.RetryAfter ?? _options.BaseDelay;
            held = await _outbox.DeferAsync(action.ActionId, Owner, at + (long)wait.TotalMilliseconds, detail, ct).ConfigureAwait(false);
            Tally.Add(ref tally.Deferred, held);
            share.Held ??= result;   // the quota is the connector's: its other claimed actions wait for the same reset
            Log.Deferred(_logger, action.ActionId, at + (long)wait.TotalMilliseconds, detail);
            Log.Detail(_logger, $"{action.ActionId} {action.Connector}/{action.Action} {action.EntityId} deferred {wait.TotalSeconds:0.###} s (no attempt spent): {detail}{LeaseNote(held)}");
            return;
        }
        if (result.Outcome == DeliveryOutcome.AuthFailed)
        {
            await PauseAsync(action.Connector, share, detail, ct).ConfigureAwait(false);
            held = await _outbox.DeferAsync(action.ActionId, Owner, at, $"waiting on credentials: {detail}", ct).ConfigureAwait(false);
            Tally.Add(ref tally.Waiting, held);
            Log.Detail(_logger, $"{action.ActionId} {action.Connector}/{action.Action} {action.EntityId} waiting on credentials: {detail}{LeaseNote(held)}");
            return;
        }
        var tries = action.Attempts + 1;
        Interlocked.Increment(ref tally.Attempts);
        switch (result.Outcome)
        {
            case DeliveryOutcome.Delivered:
                held = await _outbox.MarkDeliveredAsync(action.ActionId, Owner, tries, at, ct).ConfigureAwait(false);
                Tally.Add(ref tally.Delivered, held);
                break;
            case DeliveryOutcome.Rejected:
                held = await _outbox.MarkDeadAsync(action.ActionId, Owner, tries, detail, ct).ConfigureAwait(false);
                Tally.Add(ref tally.Dead, held);
                break;
            default:
                if (tries >= _options.MaxAttempts || OutOfTime(action, at))
                {
                    detail = $"gave up after {tries} attempts; last: {detail}";
                    held = await _outbox.MarkDeadAsync(action.ActionId, Owner, tries, detail, ct).ConfigureAwait(false);
                    Tally.Add(ref tally.Dead, held);
                }
                else
                {
                    var wait = result.RetryAfter ?? Backoff(tries);
                    held = await _outbox.MarkRetryAsync(action.ActionId, Owner, tries, at + (long)wait.TotalMilliseconds, detail, ct).ConfigureAwait(false);
                    Tally.Add(ref tally.Retried, held);
                    detail = $"{detail}; retry in {wait.TotalSeconds:0.###} s";
                }
                break;
        }
        Log.Detail(_logger, $"{action.ActionId} {action.Connector}/{action.Action} {action.EntityId} attempt {tries}: {result.Outcome}: {detail}{LeaseNote(held)}");
        Log.DeliveryAttempt(_logger, action.ActionId, action.Connector, action.Action, action.EntityId, tries, result.Outcome.ToString());
        if (!held)
            Log.LeaseLost(_logger, action.ActionId);
    }

    /// <summary>Pauses the connector once per share, with the config fingerprint, so a config change resumes it.</summary>
    private async Task PauseAsync(string connector, Share share, string detail, CancellationToken ct)
    {
        if (share.Held is not null)
            return;
        share.Held = new DeliveryResult(DeliveryOutcome.AuthFailed, detail);
        var fingerprint = share.Connector is null ? "none" : SafeFingerprint(share.Connector);
        var reason = $"credentials failed: {detail}; fix them, then 'pql outbox --retry-dead' (or change the connector's config){ConfigMarker}{fingerprint}]";
        await _outbox.PauseConnectorAsync(connector, reason, s_self, ct).ConfigureAwait(false);
        Log.Detail(_logger, $"{connector}: paused: {detail}");
    }

    private bool OutOfTime(OutboxAction action, long nowMs) =>
        _options.GiveUpAfter is { } limit && nowMs - (action.FirstAttemptMs ?? nowMs) >= limit.TotalMilliseconds;

    private static string LeaseNote(bool held) => held ? "" : " (lease lost to another dispatcher: result not recorded)";

    /// <summary>Delay before attempt <paramref name="tries"/>+1: base * 2^(tries-1), capped, with jitter in [d/2, d].</summary>
    public TimeSpan Backoff(int tries)
    {
        var d = _options.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(30, tries - 1));
        d = Math.Min(d, _options.MaxDelay.TotalMilliseconds);
        double jitter;
        lock (_jitter)
            jitter = _jitter.NextDouble();
        return TimeSpan.FromMilliseconds(d / 2 + jitter * d / 2);
    }

    private string Redact(string text) => _secrets?.Redact(text) ?? text;

    /// <summary>One connector's part of a claimed batch: once paused or out of quota, the rest of it waits unsent.</summary>
    private sealed class Share
    {
        public IConnector? Connector { get; set; }
        public DeliveryResult? Held { get; set; }
    }

    /// <summary>One run's counts, and the gate that lets one connector task at a time use the outbox (one SQLite connection).</summary>
    private sealed class Tally : IDisposable
    {
        public int Attempts, Delivered, Retried, Dead, Failed, Deferred, Waiting;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public static void Add(ref int counter, bool held)
        {
            if (held)
                Interlocked.Increment(ref counter);
        }

        public void Dispose() => Gate.Dispose();
    }
}
