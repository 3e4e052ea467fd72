using Pql.Core.Features;
using Pql.Core.Learning;

namespace Pql.Core.Tests.Learning;

public sealed class ModelTrainerTests
{
    [Fact]
    public void Train_reports_every_candidate_and_keeps_the_best_pr_auc()
    {
        var (m, y) = SomeData.Table(2000, 41);
        var (v, vy) = SomeData.Table(1000, 42);
        var request = new TrainingRequest
        {
            Threads = 2,
            RuleWeights = new Dictionary<string, double> { ["activity.x0"] = 1 },
            GbdtOptions = new GbdtOptions { Trees = 40 },
        };

        var result = ModelTrainer.Train(m, y, v, vy, request);

        Assert.Equal(["gbdt", "logistic", "rules"], result.Candidates.Select(c => c.Kind));
        var best = result.Candidates.MaxBy(c => c.Metrics.PrAuc)!;
        Assert.Equal(best.Kind, result.Best.Kind);
        Assert.All(result.Candidates, c => Assert.InRange(c.Metrics.RocAuc, 0.6, 1.0));
        Assert.NotNull(result.Best.Calibration);
    }

    [Fact]
    public void Train_pinned_model_is_kept_whatever_the_metrics()
    {
        var (m, y) = SomeData.Table(600, 43);
        var (v, vy) = SomeData.Table(300, 44);

        var result = ModelTrainer.Train(m, y, v, vy, new TrainingRequest { Threads = 1, PinnedModel = "logistic", GbdtOptions = new GbdtOptions { Trees = 5 } });

        Assert.Equal("logistic", result.Best.Kind);
        Assert.Equal(2, result.Candidates.Count);
    }

    [Fact]
    public void PredictProbability_matches_columns_by_name_and_treats_absent_as_missing()
    {
        var (m, y) = SomeData.Table(800, 45);
        var model = ModelFitter.FitGbdt(m, y, new GbdtOptions { Trees = 10, Threads = 1 });
        var reversed = new FeatureMatrix { RowCount = m.RowCount, Columns = m.Columns.Reverse().ToArray() };
        var withoutX0 = new FeatureMatrix { RowCount = m.RowCount, Columns = m.Columns.Where(c => c.Name != "activity.x0").ToArray() };
        var nanX0 = new FeatureMatrix
        {
            RowCount = m.RowCount,
            Columns = m.Columns.Select(c => c.Name == "activity.x0" ? new FeatureColumn { Name = c.Name, Values = Enumerable.Repeat(float.NaN, m.RowCount).ToArray() } : c).ToArray(),
        };

        Assert.Equal(model.PredictProbability(m), model.PredictProbability(reversed));
        Assert.Equal(model.PredictProbability(nanX0), model.PredictProbability(withoutX0));
    }

    [Fact]
    public void Logistic_contributions_sum_to_margin_and_follow_the_signal()
    {
        var (m, y) = SomeData.Table(3000, 46);
        var model = ModelFitter.FitLogistic(m, y, 1);
        var raw = model.PredictRaw(m);

        var e = model.Explain(m, 5);

        Assert.Equal(raw[5], e.Margin, 12);
        Assert.Equal(e.Margin, e.BaseValue + e.Contributions.Sum(), 9);
        var x1 = model.Design.Select((d, j) => (d, j)).Single(t => t.d.Feature == 1).j;
        Assert.True(model.Coefficients[x1] < 0);   // the label falls with activity.x1
    }

    [Fact]
    public void Rules_score_is_weighted_percentiles_normalised_to_unit_range()
    {
        var m = SomeData.Matrix(("a", [1f, 2f, 3f, 4f]), ("b", [10f, 20f, 30f, float.NaN]));
        var rules = ModelFitter.FitRules(m, new Dictionary<string, double> { ["a"] = 3, ["b"] = -1 });

        var raw = rules.PredictRaw(m);

        // row 0: a pct 1/4, b pct 1/3 -> (3*0.25 - 1/3 + 1) / 4; row 3: a pct 1, b missing (0) -> (3 + 1) / 4 = 1.
        Assert.Equal((0.75 - 1.0 / 3 + 1) / 4, raw[0], 12);
        Assert.Equal(1.0, raw[3], 12);
        var e = rules.Explain(m, 0);
        Assert.Equal(raw[0], e.BaseValue + e.Contributions.Sum(), 12);
    }
}
