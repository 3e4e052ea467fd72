using Pql.Core.Playbooks.Connectors;
using Pql.Core.State;

namespace Pql.Core.Playbooks;

/// <summary>
/// Delivers pending outbox actions through their connectors. Each result is written back before the next action is sent,
/// so a killed dispatcher resends at most the action it was on, with the same idempotency key. Transient failures back off
/// exponentially with seeded jitter (or exactly the server's Retry-After); after <see cref="DispatchOptions.MaxAttempts"/> the
/// action is dead; 401/403 and missing secrets fail it at once; invalid requests are dead at once. One dispatcher per workspace.
/// </summary>
public sealed class OutboxDispatcher
{
    private readonly IStateStore _store;
    private readonly IReadOnlyDictionary<string, IConnector> _connectors;
    private readonly TimeProvider _time;
    private readonly DispatchOptions _options;
    private readonly Func<TimeSpan, CancellationToken, Task> _sleep;
    private readonly Action<string> _log;
    private readonly SecretResolver? _secrets;
    private readonly Random _jitter;

    /// <summary>
    /// <paramref name="sleep"/> waits for a retry (default: <c>Task.Delay</c> on <paramref name="time"/>); <paramref name="log"/> gets
    /// one redacted line per attempt; <paramref name="secrets"/> scrubs details once more before they are stored.
    /// </summary>
    public OutboxDispatcher(IStateStore store, IReadOnlyDictionary<string, IConnector> connectors, TimeProvider time, DispatchOptions? options = null,
        Func<TimeSpan, CancellationToken, Task>? sleep = null, Action<string>? log = null, SecretResolver? secrets = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _connectors = connectors ?? throw new ArgumentNullException(nameof(connectors));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _options = options ?? new DispatchOptions();
        _options.Validate();
        _sleep = sleep ?? ((d, ct) => Task.Delay(d, _time, ct));
        _log = log ?? (_ => { });
        _secrets = secrets;
        _jitter = new Random(_options.Seed);
    }

    public async Task<DispatchReport> RunAsync(CancellationToken cancellationToken = default)
    {
        int attempts = 0, delivered = 0, retried = 0, dead = 0, failed = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            var due = _store.DueActions(now, _options.BatchSize);
            if (due.Count == 0)
            {
                if (_store.NextPendingMs() is not { } next || TimeSpan.FromMilliseconds(next - now) > _options.MaxWait)
                    break;
                await _sleep(TimeSpan.FromMilliseconds(Math.Max(0, next - now)), cancellationToken).ConfigureAwait(false);
                continue;
            }
            foreach (var action in due)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var result = await SendAsync(action, cancellationToken).ConfigureAwait(false);
                var tries = action.Attempts + 1;
                attempts++;
                var at = _time.GetUtcNow().ToUnixTimeMilliseconds();
                var detail = Redact(result.Detail);
                switch (result.Outcome)
                {
                    case DeliveryOutcome.Delivered:
                        _store.MarkDelivered(action.ActionId, tries, at);
                        delivered++;
                        break;
                    case DeliveryOutcome.AuthFailed:
                        _store.MarkFailed(action.ActionId, tries, detail);
                        failed++;
                        break;
                    case DeliveryOutcome.Rejected:
                        _store.MarkDead(action.ActionId, tries, detail);
                        dead++;
                        break;
                    default:
                        if (tries >= _options.MaxAttempts)
                        {
                            detail = $"gave up after {tries} attempts; last: {detail}";
                            _store.MarkDead(action.ActionId, tries, detail);
                            dead++;
                        }
                        else
                        {
                            var wait = result.RetryAfter ?? Backoff(tries);
                            _store.MarkRetry(action.ActionId, tries, at + (long)wait.TotalMilliseconds, detail);
                            retried++;
                            detail = $"{detail}; retry in {wait.TotalSeconds:0.###} s";
                        }
                        break;
                }
                _log($"{action.ActionId} {action.Connector}/{action.Action} {action.EntityId} attempt {tries}: {result.Outcome}: {detail}");
            }
        }
        var pending = _store.OutboxCounts()[OutboxStatus.Pending];
        return new DispatchReport(attempts, delivered, retried, dead, failed, pending);
    }

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
}
