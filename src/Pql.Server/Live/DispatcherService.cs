using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pql.Core.Playbooks;
using Pql.Core.Playbooks.Connectors;
using Pql.Core.State;

namespace Pql.Server.Live;

/// <summary>
/// Delivers the outbox inside the server: every <see cref="ServerOptions.DispatchInterval"/> it claims due actions under its own
/// lease and sends them (retries and backoff are the dispatcher's). It also publishes the outbox depth and age. A failure is logged
/// and shown in /readyz until a later round succeeds; the loop never dies silently.
/// </summary>
public sealed partial class DispatcherService(WorkspaceEngine engine, ServerMetrics metrics, ServiceHealth health, ILogger<DispatcherService> log) : BackgroundService
{
    private const string Service = "dispatcher";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var state = StateStores.Open(engine.Config);
        using var client = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var secrets = new SecretResolver();
        var playbooks = PlaybookConfig.Parse(engine.Config);
        var connectors = ConnectorFactory.CreateAll(playbooks.Connectors, new ConnectorContext(client, secrets, TimeProvider.System, engine.Config.Directory));
        var dispatcher = new OutboxDispatcher(state, connectors, TimeProvider.System, new DispatchOptions { MaxWait = TimeSpan.Zero },
            secrets: secrets, owner: OutboxDispatcher.OwnerFor(Actor.System("serve-dispatcher")));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await dispatcher.RunAsync(stoppingToken).ConfigureAwait(false);
                await PublishAsync(state, stoppingToken).ConfigureAwait(false);
                health.Recover(Service);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // reported in /readyz and the log; the next round tries again
            catch (Exception ex)
#pragma warning restore CA1031
            {
                health.Fail(Service, ex.Message);
                LogFailed(log, ex);
            }
            try
            {
                await Task.Delay(engine.Options.DispatchInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task PublishAsync(IStateStore state, CancellationToken ct)
    {
        foreach (var (status, count) in await state.OutboxCountsAsync(ct).ConfigureAwait(false))
            metrics.OutboxDepth.WithLabels(status.ToString().ToLowerInvariant()).Set(count);
        var oldest = await state.OutboxAsync(OutboxStatus.Pending, 1, ct).ConfigureAwait(false);
        metrics.OutboxOldestPendingAge.Set(oldest.Count == 0 ? 0 : Math.Max(0, (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - oldest[0].CreatedMs) / 1000.0));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "outbox delivery round failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
