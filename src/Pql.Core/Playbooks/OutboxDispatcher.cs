using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pql.Core.Playbooks.Connectors;
using Pql.Core.State;

namespace Pql.Core.Playbooks;

/// <summary>
/// Delivers pending outbox actions through their connectors. It claims a batch under a lease (<see cref="IOutbox.ClaimDueAsync"/>),
/// so any number of dispatchers, in one process or on many machines, share the outbox without sending an action twice; a crashed
/// dispatcher's lease expires and its actions are claimed again. Each result is written back before the next action is sent, so a
/// killed dispatcher resends at most the action it was on, with the same idempotency key. Transient failures back off exponentially
/// with seeded jitter (or exactly the server's Retry-After); after <see cref="DispatchOptions.MaxAttempts"/> (or
/// <see cref="DispatchOptions.GiveUpAfter"/>) the action is dead; 401/403 and missing secrets fail it at once; invalid requests are
/// dead at once; a used-up quota defers it without spending an attempt.
/// </summary>
public sealed class OutboxDispatcher
{
    private readonly IOutbox _outbox;
    private readonly IReadOnlyDictionary<string, IConnector> _connectors;
    private readonly TimeProvider _time;
    private readonly DispatchOptions _options;
    private readonly Func<TimeSpan, CancellationToken, Task> _sleep;
    private readonly Action<string> _log;
    private readonly SecretResolver? _secrets;
    private readonly Random _jitter;
    private readonly ILogger _logger;

    /// <summary>
    /// <paramref name="sleep"/> waits for a retry (default: <c>Task.Delay</c> on <paramref name="time"/>); <paramref name="log"/> gets
    /// one redacted line per attempt; <paramref name="secrets"/> scrubs details once more before they are stored; <paramref name="owner"/>
    /// names this dispatcher's leases (default: <see cref="OwnerFor"/> the operating-system user).
    /// </summary>
    public OutboxDispatcher(IOutbox outbox, IReadOnlyDictionary<string, IConnector> connectors, TimeProvider time, DispatchOptions? options = null,
        Func<TimeSpan, CancellationToken, Task>? sleep = null, Action<string>? log = null, SecretResolver? secrets = null, string? owner = null, ILogger<OutboxDispatcher>? logger = null)
    {
        _outbox = outbox ?? throw new ArgumentNullException(nameof(outbox));
        _connectors = connectors ?? throw new ArgumentNullException(nameof(connectors));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _options = options ?? new DispatchOptions();
        _options.Validate();
        _sleep = sleep ?? ((d, ct) => Task.Delay(d, _time, ct));
        _log = log ?? (_ => { });
        _secrets = secrets;
        _jitter = new Random(_options.Seed);
        _logger = logger ?? NullLogger<OutboxDispatcher>.Instance;
        Owner = owner ?? OwnerFor(Actor.OperatingSystemUser());
    }

    /// <summary>The lease owner this dispatcher claims as: unique per dispatcher instance.</summary>
    public string Owner { get; }

    /// <summary>A lease owner naming who runs the dispatcher and where: <c>actor@host:pid:random</c>.</summary>
    public static string OwnerFor(Actor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return string.Create(CultureInfo.InvariantCulture,
            $"{actor}@{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}");
    }

    public async Task<DispatchReport> RunAsync(CancellationToken cancellationToken = default)
    {
        var tally = new Tally();
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
            foreach (var action in due)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (action.LeaseUntilMs is { } until && NowMs >= until)
                    break;   // the batch outlived its lease: another dispatcher may hold these now; claim afresh
                await DeliverAsync(action, tally, cancellationToken).ConfigureAwait(false);
            }
        }
        var pending = (await _outbox.OutboxCountsAsync(cancellationToken).ConfigureAwait(false))[OutboxStatus.Pending];
        return new DispatchReport(tally.Attempts, tally.Delivered, tally.Retried, tally.Dead, tally.Failed, pending, tally.Deferred);
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private async Task DeliverAsync(OutboxAction action, Tally tally, CancellationToken ct)
    {
        var result = await SendAsync(action, ct).ConfigureAwait(false);
        var at = NowMs;
        var detail = Redact(result.Detail);
        if (result.Outcome == DeliveryOutcome.Deferred)
        {
            var wait = result.RetryAfter ?? _options.BaseDelay;
            var deferred = await _outbox.DeferAsync(action.ActionId, Owner, at + (long)wait.TotalMilliseconds, detail, ct).ConfigureAwait(false);
            tally.Deferred += deferred ? 1 : 0;
            Log.Deferred(_logger, action.ActionId, at + (long)wait.TotalMilliseconds, detail);
            _log($"{action.ActionId} {action.Connector}/{action.Action} {action.EntityId} deferred {wait.TotalSeconds:0.###} s: {detail}{LeaseNote(deferred)}");
            return;
        }
        var tries = action.Attempts + 1;
        tally.Attempts++;
        bool held;
        switch (result.Outcome)
        {
            case DeliveryOutcome.Delivered:
                held = await _outbox.MarkDeliveredAsync(action.ActionId, Owner, tries, at, ct).ConfigureAwait(false);
                tally.Delivered += held ? 1 : 0;
                break;
            case DeliveryOutcome.AuthFailed:
                held = await _outbox.MarkFailedAsync(action.ActionId, Owner, tries, detail, ct).ConfigureAwait(false);
                tally.Failed += held ? 1 : 0;
                break;
            case DeliveryOutcome.Rejected:
                held = await _outbox.MarkDeadAsync(action.ActionId, Owner, tries, detail, ct).ConfigureAwait(false);
                tally.Dead += held ? 1 : 0;
                break;
            default:
                if (tries >= _options.MaxAttempts || OutOfTime(action, at))
                {
                    detail = $"gave up after {tries} attempts; last: {detail}";
                    held = await _outbox.MarkDeadAsync(action.ActionId, Owner, tries, detail, ct).ConfigureAwait(false);
                    tally.Dead += held ? 1 : 0;
                }
                else
                {
                    var wait = result.RetryAfter ?? Backoff(tries);
                    held = await _outbox.MarkRetryAsync(action.ActionId, Owner, tries, at + (long)wait.TotalMilliseconds, detail, ct).ConfigureAwait(false);
                    tally.Retried += held ? 1 : 0;
                    detail = $"{detail}; retry in {wait.TotalSeconds:0.###} s";
                }
                break;
        }
        _log($"{action.ActionId} {action.Connector}/{action.Action} {action.EntityId} attempt {tries}: {result.Outcome}: {detail}{LeaseNote(held)}");
        Log.DeliveryAttempt(_logger, action.ActionId, action.Connector, action.Action, action.EntityId, tries, result.Outcome.ToString());
        if (!held)
            Log.LeaseLost(_logger, action.ActionId);
    }

    private bool OutOfTime(OutboxAction action, long nowMs) =>
        _options.GiveUpAfter is { } limit && nowMs - (action.FirstAttemptMs ?? nowMs) >= limit.TotalMilliseconds;

    private static string LeaseNote(bool held) => held ? "" : " (lease lost to another dispatcher: result not recorded)";

    /// <summary>Delay before attempt <paramref name="tries"/>+1: base * 2^(tries-1), capped, with jitter in [d/2, d].</summary>
    public TimeSpan Backoff(int tries)
    {
        var d = _options.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(30, tries - 1));
        d = Math.Min(d, _options.MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(d / 2 + _jitter.NextDouble() * d / 2);
    }

    private async Task<DeliveryResult> SendAsync(OutboxAction action, CancellationToken ct)
    {
        if (!_connectors.TryGetValue(action.Connector, out var connector))
            return new DeliveryResult(DeliveryOutcome.AuthFailed, $"connector '{action.Connector}' is not configured in pql.yaml any more");
        try
        {
            return await connector.SendAsync(action, ct).ConfigureAwait(false);
        }
        catch (MissingSecretException ex)
        {
            return new DeliveryResult(DeliveryOutcome.AuthFailed, ex.Message);
        }
    }

    private string Redact(string text) => _secrets?.Redact(text) ?? text;

    private sealed class Tally
    {
        public int Attempts, Delivered, Retried, Dead, Failed, Deferred;
    }
}
