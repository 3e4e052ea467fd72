using Pql.Core.Playbooks;
using Pql.Core.Playbooks.Connectors;
using Pql.Core.State;
using Pql.Core.Tests.State;
using Pql.Core.Tests.Playbooks.Fakes;

namespace Pql.Core.Tests.Playbooks;

public sealed class OutboxDispatcherTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-dispatch-").FullName;
    private readonly SqliteStateStore _store;
    private readonly HubSpotFake _fake = new("pat-secret-token");
    private readonly ManualClock _clock = new(Some.Start);
    private readonly List<TimeSpan> _sleeps = [];
    private readonly SecretResolver _secrets = Some.Secrets(("HS_TOKEN", "pat-secret-token"));

    public OutboxDispatcherTests() => _store = new SqliteStateStore(Path.Combine(_dir, "state.db"));

    public void Dispose()
    {
        _store.Dispose();
        _fake.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private OutboxDispatcher Dispatcher(DispatchOptions? options = null, string token = "${HS_TOKEN}", string timeout = "30")
    {
        var connector = new HubSpotConnector(Some.Connector("hubspot", ("base_url", _fake.BaseUrl), ("token", token), ("timeout_seconds", timeout)),
            Some.Context(_secrets, _clock));
        return new OutboxDispatcher(_store, new Dictionary<string, IConnector> { ["hubspot"] = connector }, _clock, options,
            sleep: (d, _) =>
            {
                _sleeps.Add(d);
                _clock.Advance(d);
                return Task.CompletedTask;
            });
    }

    private void Enqueue(int count)
    {
        var actions = Enumerable.Range(0, count).Select(i =>
            Some.Action("hubspot", "update_properties", Some.Payload($"k{i}", new Dictionary<string, string> { ["hubspot_id"] = $"{100 + i}" }), id: $"k{i}")
                with { NextAttemptMs = Some.Start.ToUnixTimeMilliseconds() }).ToList();
        _store.SaveScoreRun(Some.Run("run-1"), [], actions);
    }

    [Fact]
    public async Task Run_given_429_with_retry_after_waits_as_told_then_delivers()
    {
        Enqueue(1);
        _fake.Server.RetryAfterSeconds = 3;
        _fake.Server.Enqueue(Fault.RateLimited);

        var report = await Dispatcher().RunAsync();

        Assert.Equal([TimeSpan.FromSeconds(3)], _sleeps);
        Assert.Equal(2, _fake.Server.Received.Count);
        Assert.Equal(1, report.Delivered);
        var action = Assert.Single(_store.Outbox(OutboxStatus.Delivered));
        Assert.Equal(2, action.Attempts);
        Assert.Equal(Some.Start.AddSeconds(3).ToUnixTimeMilliseconds(), action.DeliveredMs);
    }

    [Fact]
    public async Task Run_given_401_pauses_the_connector_and_its_actions_wait_without_spending_attempts()
    {
        Enqueue(3);

        var report = await Dispatcher(token: "wrong-token").RunAsync();

        Assert.Equal(3, report.WaitingOnCredentials);
        Assert.Single(_fake.Server.Received);   // one call found the credentials bad; the others were not sent
        Assert.Empty(_sleeps);
        Assert.All(_store.Outbox(OutboxStatus.Pending), a =>
        {
            Assert.Equal(0, a.Attempts);
            Assert.StartsWith("waiting on credentials", a.LastError);
        });
        var paused = Assert.Single(await _store.PausedConnectorsAsync());
        Assert.Contains("401 Unauthorized", paused.Reason);
        Assert.Contains("retry-dead", paused.Reason);
    }

    [Fact]
    public async Task Run_given_only_5xx_backs_off_exponentially_then_dead_letters()
    {
        Enqueue(1);
        _fake.Server.Enqueue(Fault.ServerError, times: 10);
        var options = new DispatchOptions { MaxAttempts = 4, BaseDelay = TimeSpan.FromSeconds(1), MaxWait = TimeSpan.FromHours(1) };

        var report = await Dispatcher(options).RunAsync();

        Assert.Equal(1, report.Dead);
        Assert.Equal(4, _fake.Server.Received.Count);
        Assert.Equal(3, _sleeps.Count);
        for (var i = 0; i < _sleeps.Count; i++)
        {
            var full = TimeSpan.FromSeconds(Math.Pow(2, i));
            Assert.InRange(_sleeps[i], full / 2, full);
        }
        Assert.Contains("gave up after 4 attempts", Assert.Single(_store.Outbox(OutboxStatus.Dead)).LastError);
    }

    [Fact]
    public async Task Run_given_a_stalled_server_times_out_and_retries()
    {
        Enqueue(1);
        _fake.Server.Enqueue(Fault.Stall);

        // The timeout is real time (HttpConnector's CancelAfter): long enough that the retry, on a fresh connection, never hits it
        // on a loaded machine, as 0.3 s once did; the stalled first request costs this much wall time and no more.
        var report = await Dispatcher(timeout: "3").RunAsync();

        Assert.Equal(1, report.Delivered);
        Assert.Equal(1, report.Retried);
        Assert.Equal(2, _fake.Server.Received.Count);
    }

    [Fact]
    public void Backoff_with_the_same_seed_gives_the_same_delays()
    {
        var a = Dispatcher(new DispatchOptions { Seed = 7 });
        var b = Dispatcher(new DispatchOptions { Seed = 7 });

        var first = Enumerable.Range(1, 6).Select(a.Backoff).ToList();
        var second = Enumerable.Range(1, 6).Select(b.Backoff).ToList();

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task RetryDead_resumes_a_connector_paused_on_credentials_and_its_actions_deliver()
    {
        Enqueue(2);
        await Dispatcher(token: "wrong-token").RunAsync();

        _store.RetryDead(_clock.GetUtcNow().ToUnixTimeMilliseconds());
        var report = await Dispatcher().RunAsync();

        Assert.Equal(2, report.Delivered);
        Assert.Equal(2, _store.OutboxCounts()[OutboxStatus.Delivered]);
    }

}
