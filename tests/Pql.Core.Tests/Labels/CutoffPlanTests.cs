using Pql.Core.Labels;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Labels;

public sealed class CutoffPlanTests
{
    private const long Day = 86_400_000L;

    [Fact]
    public void Default_plan_is_weekly_and_refits_on_every_cutoff_up_to_the_selection_cutoff()
    {
        var plan = CutoffPlan.Plan(200 * Day, 30 * Day, new TrainingConfig { Cutoffs = 3 }, dataStartMs: 0);

        Assert.Equal(170 * Day, plan.Selection);
        Assert.Equal([126 * Day, 133 * Day, 140 * Day], plan.Train);
        Assert.Equal([126 * Day, 133 * Day, 140 * Day, 142 * Day, 149 * Day, 156 * Day, 163 * Day, 170 * Day], plan.Refit);
    }

    [Theory]
    [InlineData(1, 30)]
    [InlineData(3, 30)]
    [InlineData(7, 30)]
    [InlineData(7, 60)]
    [InlineData(10, 7)]
    [InlineData(30, 30)]
    [InlineData(45, 30)]
    [InlineData(1, 1)]
    public void No_training_label_window_reaches_into_the_selection_window(int stepDays, int horizonDays)
    {
        var horizon = horizonDays * Day;
        var plan = CutoffPlan.Plan(400 * Day, horizon, new TrainingConfig { Cutoffs = 12, StepMs = stepDays * Day }, dataStartMs: 0);

        Assert.NotEmpty(plan.Train);
        foreach (var t in plan.Train)
            Assert.True(t + horizon <= plan.Selection, $"training cutoff {t / Day}d: its label window ends at {(t + horizon) / Day}d, after the selection cutoff {plan.Selection / Day}d");
        Assert.Equal(400 * Day, plan.Selection + horizon);   // the selection window's outcomes are known at as-of
        Assert.Equal(plan.Selection, plan.Refit[^1]);
        Assert.Equal(plan.Refit.Order(), plan.Refit);
        Assert.Equal(plan.Refit.Distinct().Count(), plan.Refit.Length);
        Assert.All(plan.Train, t => Assert.Contains(t, plan.Refit));
    }

    [Fact]
    public void Cutoffs_before_the_data_starts_are_dropped()
    {
        var plan = CutoffPlan.Plan(100 * Day, 30 * Day, new TrainingConfig { Cutoffs = 6 }, dataStartMs: 20 * Day);

        Assert.Equal([26 * Day, 33 * Day, 40 * Day], plan.Train);
        Assert.All(plan.Refit, t => Assert.True(t > 20 * Day));
    }
}
