using Pql.Core.Governance;
using Pql.Core.Learning.Evaluation;
using Pql.Core.Scoring;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Governance;

public sealed class HealthAndEstimateTests
{
    private static GoalDefinition Goal(string name, GoalCondition condition, EntityKind entity = EntityKind.Account) =>
        new(name, entity, condition, 30L * 86_400_000, 1);

    private static Dictionary<string, EntityScore> Scores(params (string Id, double Score)[] rows) =>
        rows.ToDictionary(r => r.Id, r => new EntityScore(r.Id, r.Score, "t", [], new Dictionary<string, string>()));

    [Fact]
    public void Health_weighs_churn_rank_twice_the_opportunity_rank_and_skips_user_goals()
    {
        var churn = Scores(("a", 0.9), ("b", 0.5), ("c", 0.1), ("d", 0.1));
        var expansion = Scores(("a", 0.01), ("b", 0.02), ("c", 0.30));
        var health = HealthIndex.Compute([
            (Goal("churn", new InactiveCondition(21L * 86_400_000)), churn),
            (Goal("expansion", new EventCondition("seats_added", new Dictionary<string, string>())), expansion),
            (Goal("activation", new EventCondition("x", new Dictionary<string, string>()), EntityKind.User), Scores(("a", 1.0))),
        ]);
        // churn mid-ranks: a 7/8, b 5/8, c and d tied at 2/8; expansion: a 1/6, b 3/6, c 5/6
        Assert.Equal((int)Math.Round(100 * (2 * (1 - 7.0 / 8) + 1.0 / 6) / 3), health["a"].Index);
        Assert.Equal((int)Math.Round(100 * (2 * (1 - 2.0 / 8) + 5.0 / 6) / 3), health["c"].Index);
        Assert.Equal(75, health["d"].Index);   // no expansion score: churn alone, 1 - 2/8
        Assert.Equal(["churn", "expansion"], health["b"].Parts.Select(p => p.Goal));
        Assert.True(health["c"].Index > health["b"].Index && health["b"].Index > health["a"].Index);
    }

    [Fact]
    public void Expected_roc_auc_of_calibrated_scores_matches_the_mean_realized_auc_over_simulated_outcomes()
    {
        var random = new Random(7);
        var p = Enumerable.Range(0, 400).Select(_ => Math.Round(random.NextDouble() * random.NextDouble(), 2)).ToArray();
        var order = p.Select((v, i) => (v, i)).OrderByDescending(t => t.v).Select(t => t.i).ToArray();
        var expected = RunPerformance.ExpectedRocAuc(p, order);
        double sum = 0;
        const int trials = 300;
        for (var t = 0; t < trials; t++)
        {
            var y = p.Select(v => random.NextDouble() < v ? (byte)1 : (byte)0).ToArray();
            sum += BootstrapMetrics.Evaluate(p, y, null, rounds: 0).RocAuc.Estimate;
        }
        Assert.Equal(sum / trials, expected, 2);
        Assert.Equal(p.OrderDescending().Take(40).Average() / p.Average(), RunPerformance.ExpectedLift(p, order, 0.1), 9);
    }
}
