using Pql.Core.Application;
using Pql.Core.Governance;
using Pql.Core.Playbooks;
using Pql.Core.State;
using Pql.Core.Tests.Playbooks.Fakes;

namespace Pql.Core.Tests.Governance;

/// <summary>
/// Acceptance: train, score, act with a 10% holdout on a webhook playbook, let time pass with outcomes in the generated future, report.
/// The report's treated and control counts match the outbox and what the webhook received, the held-out share is within binomial
/// bounds of 10%, and the lift and its interval are the ones computed from those counts.
/// </summary>
public sealed class LiftScenarioTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-scenario-").FullName;
    private readonly WebhookFake _hook = new("whsec-scenario");

    public void Dispose()
    {
        _hook.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task The_report_counts_match_the_outbox_the_holdout_is_within_binomial_bounds_and_outcomes_are_realized()
    {
        Environment.SetEnvironmentVariable(LiftScenario.SecretVariable, "whsec-scenario");
        var world = Path.Combine(_dir, "world");
        LiftScenario.Pql("generate", "--accounts", "1200", "--days", "150", "--out", world);
        LiftScenario.WriteConfig(world, _hook.BaseUrl + WebhookFake.Path);
        LiftScenario.Pql("train", "--workspace", world, "--goal", "conversion", "--as-of", LiftScenario.ActAsOf);
        LiftScenario.Pql("act", "--workspace", world, "--goal", "conversion", "--as-of", LiftScenario.ActAsOf);
        LiftScenario.Pql("score", "--workspace", world, "--goal", "conversion", "--as-of", LiftScenario.LaterAsOf, "--out", Path.Combine(_dir, "later.csv"));
        var html = Path.Combine(_dir, "report.html");
        var printed = LiftScenario.Pql("report", "--workspace", world, "--goal", "conversion", "--out", html);

        var data = await new ReportService().ReportAsync(new ReportRequest(world, "conversion"));
        using var store = SqliteStateStore.OpenWorkspace(Path.Combine(world, ".pql"));
        var runs = await store.RunsAsync("conversion");
        var outbox = await store.OutboxAsync();
        var firings = await store.TriggerLogAsync("conversion");
        var outreach = Assert.Single(data.Playbooks);

        // treated = what the outbox holds = what the webhook applied (the act run); control = the firings held out
        Assert.Equal(outbox.Select(a => a.EntityId + a.RunId).Distinct().Count(), outreach.Treated);
        Assert.Equal(outreach.Treated, outreach.OutboxEntities);
        var actRun = runs[0].RunId;
        Assert.Equal(outbox.Count(a => a.RunId == actRun && a.Status == OutboxStatus.Delivered), _hook.Applied.Count);
        Assert.Equal(firings.Count, outreach.Treated + outreach.Control);
        Assert.Equal(firings.Count(f => HoldoutAssignment.IsHeldOut(f.EntityId, "outreach", 0.1)), outreach.Control);

        // Binomial(n, 0.1) at 99.9%: n·0.1 ± 3.29·sqrt(n·0.1·0.9), worked out here independently of the report
        var n = outreach.Treated + outreach.Control;
        Assert.True(n > 500, $"only {n} firings");
        var sd = Math.Sqrt(n * 0.1 * 0.9);
        Assert.InRange(outreach.Control, n * 0.1 - 3.29 * sd, n * 0.1 + 3.29 * sd);
        Assert.True(outreach.HoldoutWithinBounds);

        // the act run's horizon has passed: realized outcomes; the later run has none yet: an estimate
        var realized = data.Performance.Single(p => p.RunId == actRun);
        Assert.False(realized.Estimated);
        Assert.True(realized.Overall.Achievers > 0 && realized.Overall.RocAuc > 0.6, $"ROC AUC {realized.Overall.RocAuc}");
        Assert.True(data.Performance[^1].Estimated);
        Assert.NotEmpty(realized.Segments);
        var lift = outreach.Lift;
        var actFirings = firings.Where(f => f.RunId == actRun).ToList();   // every firing of the act run has its outcome, the later run's none yet
        Assert.Equal(actFirings.Count(f => !HoldoutAssignment.IsHeldOut(f.EntityId, "outreach", 0.1)), lift.Treated.Total);
        Assert.Equal(actFirings.Count(f => HoldoutAssignment.IsHeldOut(f.EntityId, "outreach", 0.1)), lift.Control.Total);
        Assert.Equal(LiftEstimate.FromCounts(lift.Treated.Count, lift.Treated.Total, lift.Control.Count, lift.Control.Total), lift);
        Assert.NotNull(data.Flow);

        var page = File.ReadAllText(html);
        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=\"http", page, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"<td>outreach</td><td>{outreach.Treated:N0}</td><td>{outreach.Control:N0}</td>", page, StringComparison.Ordinal);
        Assert.Contains("<span class=\"estimate\">estimate</span>", page, StringComparison.Ordinal);
        Assert.Contains($"playbook outreach: treated {outreach.Treated}, control {outreach.Control}", printed, StringComparison.Ordinal);
    }
}
