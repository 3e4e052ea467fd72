using Pql.Core.State;
using Pql.Core.Tests.Playbooks.Fakes;
using Pql.Core.Tests.State;

namespace Pql.Core.Tests.Playbooks;

/// <summary>
/// Acceptance: several <c>pql score</c> or <c>pql act</c> processes started at once on the same trained workspace queue each
/// action once (recording a run and evaluating its triggers is serialized by the database's lock) and deliver it once (leases).
/// </summary>
public sealed class ConcurrentRunsTests : IDisposable
{
    private const string AsOf = "2026-10-31";
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-concurrent-").FullName;
    private readonly WebhookFake _fake = new("whsec-conc");
    private readonly Dictionary<string, string> _env = new() { ["PQL_E2E_WH"] = "whsec-conc" };

    public void Dispose()
    {
        _fake.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Three_acts_at_once_queue_one_action_per_entity_and_step_and_deliver_each_once()
    {
        var world = TrainedWorld();

        var outputs = RunAtOnce(3, "act", "--workspace", world, "--goal", "conversion", "--as-of", AsOf);

        var actions = Outbox(world);
        Assert.True(actions.Count > 0, "no trigger fired: the test would prove nothing\n" + string.Join("\n", outputs));
        AssertOnePerEntityAndStep(actions);
        Assert.All(actions, a => Assert.Equal(OutboxStatus.Delivered, a.Status));
        Assert.Equal(actions.Count, _fake.Applied.Count);
        Assert.Equal(actions.Count, _fake.Server.Received.Count);
        Assert.Equal(0, _fake.Replays);
        Assert.Empty(_fake.Problems);
    }

    [Fact]
    public void Three_scores_at_once_queue_one_action_per_entity_and_step_and_one_dispatch_sends_them_once()
    {
        var world = TrainedWorld();

        var outputs = RunAtOnce(3, "score", "--workspace", world, "--goal", "conversion", "--as-of", AsOf, "--out", "OUT");
        RunAtOnce(1, "outbox", "--workspace", world, "--dispatch");

        var actions = Outbox(world);
        Assert.True(actions.Count > 0, "no trigger fired: the test would prove nothing\n" + string.Join("\n", outputs));
        AssertOnePerEntityAndStep(actions);
        Assert.Equal(3, RunCount(world));
        Assert.Equal(actions.Count, _fake.Applied.Count);
        Assert.Equal(actions.Count, _fake.Server.Received.Count);
    }

    private string TrainedWorld()
    {
        var world = Path.Combine(_dir, "world");
        RunAtOnce(1, "generate", "--accounts", "300", "--days", "90", "--out", world);
        E2eWorld.WriteConfig(world, _fake.BaseUrl + WebhookFake.Path);
        File.WriteAllText(Path.Combine(world, "extra.csv"), "timestamp,event,user_id,account_id,product,event_id,properties\n");
        RunAtOnce(1, "train", "--workspace", world, "--goal", "conversion");
        return world;
    }

    /// <summary>Starts <paramref name="count"/> processes together and waits for all; each must exit 0. "OUT" becomes a file per process.</summary>
    private List<string> RunAtOnce(int count, params string[] args)
    {
        var outputs = Enumerable.Range(0, count).Select(_ => new List<string>()).ToList();
        var processes = Enumerable.Range(0, count)
            .Select(i => PqlCliProcess.Start(_env, outputs[i], [.. args.Select(a => a == "OUT" ? Path.Combine(_dir, $"scores-{i}.csv") : a)]))
            .ToList();
        try
        {
            for (var i = 0; i < count; i++)
            {
                Assert.True(processes[i].WaitForExit(TimeSpan.FromSeconds(180)), $"pql {args[0]} #{i} did not finish");
                processes[i].WaitForExit();
                lock (outputs[i])
                    Assert.True(processes[i].ExitCode == 0, $"pql {string.Join(' ', args)} #{i} exited {processes[i].ExitCode}: {string.Join('\n', outputs[i])}");
            }
        }
        finally
        {
            foreach (var p in processes)
                p.Dispose();
        }
        return [.. outputs.SelectMany(o => o)];
    }

    private static IReadOnlyList<OutboxAction> Outbox(string world)
    {
        using var store = SqliteStateStore.OpenWorkspace(Path.Combine(world, ".pql"));
        return store.Outbox();
    }

    private static int RunCount(string world)
    {
        using var store = SqliteStateStore.OpenWorkspace(Path.Combine(world, ".pql"));
        return store.Runs("conversion").Count;
    }

    private static void AssertOnePerEntityAndStep(IReadOnlyList<OutboxAction> actions)
    {
        var repeated = actions.GroupBy(a => (a.EntityId, a.Trigger, a.Playbook, a.Connector, a.Action)).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(repeated.Count == 0, $"queued more than once: {string.Join(", ", repeated.Take(5))}");
    }
}
