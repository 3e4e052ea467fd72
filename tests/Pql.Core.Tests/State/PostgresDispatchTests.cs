using Pql.Core.Playbooks;
using Pql.Core.Playbooks.Connectors;
using Pql.Core.State;
using Pql.Core.Tests.Playbooks;
using Pql.Core.Tests.Playbooks.Fakes;
using Pql.Core.Tests.Servers;

namespace Pql.Core.Tests.State;

/// <summary>
/// Acceptance: two dispatchers, each with its own connection pool (as two machines would have), share one PostgreSQL outbox and a
/// webhook receiver on 127.0.0.1 that applies each idempotency key once; every action is sent once and applied once.
/// </summary>
[RequiresServer(PostgresStores.Variable, "PostgreSQL")]
public sealed class PostgresDispatchTests : IDisposable
{
    private const int ActionCount = 400;
    private readonly PostgresStores _stores = new();
    private readonly WebhookFake _receiver = new("whsec-pg");

    public void Dispose()
    {
        _receiver.Dispose();
        _stores.Dispose();
    }

    [ServerFact]
    public async Task Two_dispatchers_on_one_database_send_and_apply_each_action_once()
    {
        using var writer = _stores.Open(TimeProvider.System);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var actions = Enumerable.Range(0, ActionCount)
            .Select(i => Some.Action("hook", "post", Some.Payload($"act-{i:D4}", new Dictionary<string, string>()), id: $"act-{i:D4}") with { NextAttemptMs = now })
            .ToList();
        await writer.RecordRunAsync("conversion", _ => new RunRecording(Some.Run("run-1"), [], actions), StateStoreSync.Tester);

        using var first = _stores.Open(TimeProvider.System);
        using var second = _stores.Open(TimeProvider.System);
        var reports = await Task.WhenAll(
            Task.Run(() => Dispatcher(first, "d1").RunAsync()),
            Task.Run(() => Dispatcher(second, "d2").RunAsync()));

        Assert.Empty(_receiver.Problems);
        Assert.Equal(ActionCount, _receiver.Applied.Count);
        Assert.Equal(0, _receiver.Replays);
        Assert.Equal(ActionCount, _receiver.Server.Received.Count);
        Assert.Equal(ActionCount, reports.Sum(r => r.Delivered));
        Assert.All(reports, r => Assert.True(r.Delivered > 0, $"one dispatcher did all the work ({string.Join(", ", reports)}): the test proved no sharing"));
        var stored = await writer.OutboxAsync();
        Assert.All(stored, a => Assert.Equal(OutboxStatus.Delivered, a.Status));
        Assert.Equal(reports[0].Delivered, stored.Count(a => a.LeaseOwner == "d1"));
    }

    private OutboxDispatcher Dispatcher(IOutbox outbox, string owner)
    {
        var connector = new WebhookConnector(Some.Connector("webhook", ("url", _receiver.BaseUrl + WebhookFake.Path), ("secret", "${WH_SECRET}")),
            Some.Context(Some.Secrets(("WH_SECRET", "whsec-pg")), TimeProvider.System));
        // Small batches so the two dispatchers interleave many times over the same rows.
        return new OutboxDispatcher(outbox, new Dictionary<string, IConnector> { ["hook"] = connector }, TimeProvider.System,
            new DispatchOptions { BatchSize = 4 }, owner: owner);
    }
}
