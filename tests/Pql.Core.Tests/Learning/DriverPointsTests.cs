using Pql.Core.Features;
using Pql.Core.Learning;
using Pql.Core.Scoring;

namespace Pql.Core.Tests.Learning;

public sealed class DriverPointsTests
{
    /// <summary>SomeData's table plus two restatements of x0 (the same fact, as events_total and active_days_total are).</summary>
    private static (FeatureMatrix Matrix, byte[] Labels) TableWithDuplicates(int n)
    {
        var (m, y) = SomeData.Table(n, seed: 7);
        var x0 = m.Columns[0].Values;
        var twice = new float[n];
        var near = new float[n];
        var rng = new Random(3);
        for (var r = 0; r < n; r++)
        {
            twice[r] = 2 * x0[r] + 1;
            near[r] = x0[r] + (float)(rng.NextDouble() * 0.3);
        }
        var matrix = new FeatureMatrix
        {
            RowCount = n,
            Columns = [.. m.Columns, new FeatureColumn { Name = "activity.x0_twice", Values = twice }, new FeatureColumn { Name = "kind.x0_near", Values = near }],
        };
        return (matrix, y);
    }

    private static void Calibrate(ScoringModel model, FeatureMatrix m, byte[] labels) =>
        model.Calibration = PlattCalibration.Fit(model.PredictRaw(m), labels);

    [Fact]
    public void Owen_split_sums_to_score_minus_base_and_keeps_every_driver_bounded_and_signed()
    {
        var (m, y) = SomeData.Table(400, seed: 1);
        var model = ModelFitter.FitLogistic(m, y, threads: 1);
        double[] contributions = [36.05, -34.0, 0.5, 0];

        var points = ProbabilityPoints.Split(model, baseValue: -1, margin: 1.55, contributions);

        var expected = ProbabilityPoints.Probability(model, 1.55) - ProbabilityPoints.Probability(model, -1);
        Assert.Equal(expected, points.Sum(), 12);
        Assert.True(points[0] is > 0 and <= 1, $"raiser {points[0]}");
        Assert.True(points[1] is < 0 and >= -1, $"lowerer {points[1]}");
        Assert.True(points[2] > 0 && points[2] < points[0]);
        Assert.Equal(0, points[3]);
    }

    [Fact]
    public void Owen_split_with_one_coalition_is_proportional()
    {
        var (m, y) = SomeData.Table(400, seed: 1);
        var model = ModelFitter.FitLogistic(m, y, threads: 1);

        var points = ProbabilityPoints.Split(model, baseValue: 0, margin: 3, [2.0, 1.0]);

        Assert.Equal(2 * points[1], points[0], 12);
        Assert.Equal(ProbabilityPoints.Probability(model, 3) - ProbabilityPoints.Probability(model, 0), points.Sum(), 12);
    }

    [Fact]
    public void Correlated_columns_form_one_group_led_by_the_most_important()
    {
        var (m, _) = TableWithDuplicates(2000);
        var schema = FeatureSchema.Of(m);
        double[] importance = [0.2, 0.3, 0.01, 0.1, 0.05, 0.4, 0.1];

        var groups = CorrelatedFeatures.Groups(schema, m, importance);

        var group = Assert.Single(groups);
        Assert.Equal(["activity.x0_twice", "activity.x0", "kind.x0_near"], group);
    }

    [Theory]
    [InlineData("gbdt")]
    [InlineData("logistic")]
    public void Drivers_add_up_to_score_minus_base_score_and_show_one_fact_once(string kind)
    {
        var (m, y) = TableWithDuplicates(3000);
        ScoringModel model = kind == "gbdt"
            ? ModelFitter.FitGbdt(m, y, new GbdtOptions { Trees = 40, MaxDepth = 3, Threads = 1 })
            : ModelFitter.FitLogistic(m, y, threads: 1);
        Calibrate(model, m, y);
        model.DriverGroups = CorrelatedFeatures.Groups(model.Schema, m, model.GlobalImportance(m));
        var scores = model.PredictProbability(m);

        var drivers = WorkspaceScorer.Drivers(model, m, top: 100, threads: 1);

        for (var r = 0; r < 200; r++)
        {
            var baseScore = ProbabilityPoints.Probability(model, model.Explain(m, r).BaseValue);
            Assert.Equal(scores[r] - baseScore, drivers[r].Sum(d => d.Contribution), 9);
            Assert.All(drivers[r], d => Assert.InRange(d.Contribution, -1, 1));
            var x0Fact = drivers[r].Count(d => d.Feature is "activity.x0" or "activity.x0_twice" or "kind.x0_near");
            Assert.True(x0Fact <= 1, $"row {r}: x0 shown {x0Fact} times");
        }
    }
}
