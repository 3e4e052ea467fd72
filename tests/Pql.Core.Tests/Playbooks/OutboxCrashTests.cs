using System.Diagnostics;
using Pql.Core.State;
using Pql.Core.Tests.State;
using Pql.Core.Tests.Playbooks.Fakes;
using Xunit.Abstractions;

namespace Pql.Core.Tests.Playbooks;

/// <summary>
/// Acceptance: a dispatcher process killed with SIGKILL at random points while delivering thousands of actions loses none,
/// and the receiver never applies an idempotency key twice; resends are bounded by one in-flight action per kill.
/// </summary>
public sealed class OutboxCrashTests(ITestOutputHelper output) : IDisposable
{
    private const int Actions = 2500;
    private const string Secret = "whsec-crash-test-7f3a";
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-crash-").FullName;
    private readonly WebhookFake _fake = new(Secret);

    public void Dispose()
    {
        _fake.Dispose();
        if (Environment.GetEnvironmentVariable("PQL_KEEP") is null)
            Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Dispatch_killed_repeatedly_delivers_every_action_exactly_once()
    {
        Some.Config(_dir, $$$"""
            connectors:
              hook: { kind: webhook, url: "{{{_fake.BaseUrl}}}{{{WebhookFake.Path}}}", secret: "${PQL_CRASH_WH_SECRET}" }
            """);
        var ids = new HashSet<string>();
        using (var store = SqliteStateStore.OpenWorkspace(Path.Combine(_dir, ".pql")))
        {
            var actions = new List<OutboxAction>();
            for (var i = 0; i < Actions; i++)
            {
                var id = $"crash{i:D27}";
                ids.Add(id);
                actions.Add(Some.Action("hook", "post", Some.Payload(id, new Dictionary<string, string>()), id));
            }
            store.SaveScoreRun(Some.Run("run-crash"), [], actions);
        }
        var env = new Dictionary<string, string> { ["PQL_CRASH_WH_SECRET"] = Secret };
        // A killed dispatcher's claimed actions come back when its lease ends: a short lease keeps the test quick.
        string[] args = ["outbox", "--workspace", _dir, "--dispatch", "--limit", "0", "--lease", "2"];
        var random = new Random(20261122);
        var kills = 0;
        var clock = Stopwatch.StartNew();

        while (kills < 6 && _fake.Applied.Count < Actions * 9 / 10)
        {
            var before = _fake.Applied.Count;
            using var child = PqlCliProcess.Start(env, args);
            var started = SpinWait.SpinUntil(() => _fake.Applied.Count > before || child.HasExited, TimeSpan.FromSeconds(30));
            Assert.True(started, "the dispatcher delivered nothing within 30 s");
            if (child.HasExited)
                break;
            Thread.Sleep(random.Next(0, 250));
            if (child.HasExited)
                break;
            child.Kill();                       // SIGKILL: no finally blocks, no flush
            child.WaitForExit();
            kills++;
        }
        var lastOutput = new List<string>();
        using (var last = PqlCliProcess.Start(env, lastOutput, [.. args, "--verbose"]))
        {
            if (!last.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                using var s = SqliteStateStore.OpenWorkspace(Path.Combine(_dir, ".pql"));
                var errors = string.Join("\n", s.Outbox(OutboxStatus.Pending).Where(a => a.LastError is not null).Take(5).Select(a => a.LastError));
                Assert.Fail($"{_dir} the final dispatcher did not finish: {kills} kills, {_fake.Applied.Count} applied, {_fake.Server.Received.Count} received; {string.Join(",", _fake.Problems.Take(5))}\n{errors}\n{string.Join("\n", lastOutput.Take(20))}");
            }
            Assert.Equal(0, last.ExitCode);
        }

        output.WriteLine($"{Actions} actions, {kills} SIGKILLs, {_fake.Replays} resent after a kill, {clock.Elapsed.TotalSeconds:0.0} s");
        using var check = SqliteStateStore.OpenWorkspace(Path.Combine(_dir, ".pql"));
        Assert.Equal(Actions, check.OutboxCounts()[OutboxStatus.Delivered]);
        Assert.True(kills >= 3, $"only {kills} kill(s) landed mid-delivery");
        Assert.True(ids.SetEquals(_fake.Applied.Keys), "the receiver applied a different set of keys than the outbox holds");
        Assert.InRange(_fake.Replays, 0, kills);
        Assert.Equal(Actions + _fake.Replays, _fake.Server.Received.Count);
        Assert.Empty(_fake.Problems);
    }
}
