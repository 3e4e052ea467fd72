using Pql.Core.Scoring;
using Pql.Core.State;
using Pql.Core.Tests.State;

namespace Pql.Core.Tests.Playbooks;

/// <summary>The diff and outbox commands, run as the real CLI in a child process against a workspace with stored runs.</summary>
public sealed class PqlCliCommandsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-cli-").FullName;

    public PqlCliCommandsTests()
    {
        Some.Config(_dir, "");
        using var store = SqliteStateStore.OpenWorkspace(Path.Combine(_dir, ".pql"));
        store.SaveScoreRun(Some.Run("run-1",
            Some.Row("acme", 0.4, "assisted", null, new Driver("activity.events_7d", 5, 0.05), new Driver("adoption.products_adopted", 1, 0.1)),
            Some.Row("beta", 0.2, "nurture")), [], []);
        store.SaveScoreRun(Some.Run("run-2",
            Some.Row("acme", 0.7, "high_touch", null, new Driver("activity.events_7d", 50, 0.3), new Driver("adoption.products_adopted", 1, 0.12)),
            Some.Row("beta", 0.2, "nurture")), [], [Some.Action("gone", "post", "{}", id: "act-1")]);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Exit, string Output) Run(params string[] args)
    {
        var output = new List<string>();
        using var p = PqlCliProcess.Start(new Dictionary<string, string>(), output, args);
        Assert.True(p.WaitForExit(TimeSpan.FromSeconds(60)));
        p.WaitForExit();
        lock (output)
            return (p.ExitCode, string.Join('\n', output));
    }

    [Fact]
    public void Diff_of_the_last_two_runs_shows_score_tier_and_moved_drivers()
    {
        var (exit, output) = Run("diff", "--workspace", _dir, "--goal", "conversion");

        Assert.Equal(0, exit);
        Assert.Contains("2 entities, 1 changed, 1 changed tier, 0 newly scored, 0 no longer scored", output);
        Assert.Contains("acme,0.400,0.700,+0.300,assisted,high_touch,\"activity.events_7d +0.250; adoption.products_adopted +0.020\"", output);
    }

    [Fact]
    public void Diff_with_an_unknown_run_exits_2_with_one_line()
    {
        var (exit, output) = Run("diff", "--workspace", _dir, "--goal", "conversion", "--from", "nope");

        Assert.Equal(2, exit);
        Assert.Equal("error: --from: no stored run 'nope'; 'pql outbox' and the trigger log name the run ids", output.Trim());
    }

    [Fact]
    public void Outbox_dispatch_fails_an_action_whose_connector_is_gone_and_retry_dead_requeues_it()
    {
        var (exit, output) = Run("outbox", "--workspace", _dir, "--dispatch");
        var (_, retried) = Run("outbox", "--workspace", _dir, "--retry-dead");

        Assert.Equal(0, exit);
        Assert.Contains("outbox: 0 pending, 0 delivered, 0 dead, 1 failed", output);
        Assert.Contains("connector 'gone' is not configured", output);
        Assert.Contains("1 dead or failed action(s) back to pending", retried);
        Assert.Contains("outbox: 1 pending", retried);
    }
}
