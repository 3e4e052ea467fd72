using Pql.Core.Learning.Evaluation;

namespace Pql.Core.Tests.Learning;

public sealed class BinaryMetricsTests
{
    // y = 1,0,1,0,0,1 with p = .9,.8,.7,.7,.3,.2 (hand-worked):
    // AUC: positive .9 beats 3 negatives, .7 beats .3 and ties .7 (1.5), .2 beats none -> 4.5 / 9 = 0.5.
    // AP: thresholds .9 (R 1/3, P 1), .7 (R 2/3, P 2/4), .2 (R 1, P 3/6) -> 1/3 + 1/6 + 1/6 = 2/3.
    private static readonly double[] P = [0.9, 0.8, 0.7, 0.7, 0.3, 0.2];
    private static readonly byte[] Y = [1, 0, 1, 0, 0, 1];

    [Fact]
    public void Compute_six_rows_matches_hand_worked_values()
    {
        var m = ModelMetrics.Compute(P, Y);

        Assert.Equal(0.5, m.RocAuc, 12);
        Assert.Equal(2.0 / 3, m.PrAuc, 12);
        var logLoss = -(Math.Log(0.9) + Math.Log(0.2) + Math.Log(0.7) + Math.Log(0.3) + Math.Log(0.7) + Math.Log(0.2)) / 6;
        Assert.Equal(logLoss, m.LogLoss, 12);
        Assert.Equal(1.96 / 6, m.Brier, 12);
        Assert.Equal(2.0, m.LiftTopDecile, 12);   // top ceil(0.6) = 1 row, a positive, over base rate 0.5
        Assert.Equal(0.5, m.BaseRate, 12);
    }

    [Fact]
    public void Compute_perfect_ranking_has_auc_one_and_lift_ties_by_row_order()
    {
        // Ten rows, all scored equal: the top decile is row 0 (row order breaks ties).
        var p = Enumerable.Repeat(0.5, 10).ToArray();
        var y = new byte[] { 1, 0, 0, 0, 0, 0, 0, 0, 0, 1 };

        var tied = ModelMetrics.Compute(p, y);
        var perfect = ModelMetrics.Compute([0.1, 0.9, 0.8, 0.2], [0, 1, 1, 0]);

        Assert.Equal(0.5, tied.RocAuc, 12);
        Assert.Equal(5.0, tied.LiftTopDecile, 12);
        Assert.Equal(1.0, perfect.RocAuc, 12);
        Assert.Equal(1.0, perfect.PrAuc, 12);
    }

    [Fact]
    public void Compute_calibration_table_has_ten_equal_deciles_from_low_scores()
    {
        var p = Enumerable.Range(0, 20).Select(i => i / 20.0).ToArray();
        var y = Enumerable.Range(0, 20).Select(i => (byte)(i >= 18 ? 1 : 0)).ToArray();

        var table = ModelMetrics.Compute(p, y).Calibration;

        Assert.Equal(10, table.Count);
        Assert.All(table, b => Assert.Equal(2, b.Rows));
        Assert.Equal(0.025, table[0].MeanPredicted, 12);
        Assert.Equal(0.0, table[0].ObservedRate, 12);
        Assert.Equal(1.0, table[9].ObservedRate, 12);
    }

    [Fact]
    public void Platt_calibration_recovers_a_known_logistic_link()
    {
        // raw scores whose true probability is sigmoid(2 * raw - 1): the fit gets close to A = 2, B = -1.
        var rng = new Random(4);
        var raw = new double[20000];
        var y = new byte[raw.Length];
        for (var i = 0; i < raw.Length; i++)
        {
            raw[i] = rng.NextDouble() * 4 - 2;
            y[i] = (byte)(rng.NextDouble() < 1 / (1 + Math.Exp(-(2 * raw[i] - 1))) ? 1 : 0);
        }

        var c = Pql.Core.Learning.PlattCalibration.Fit(raw, y);

        Assert.InRange(c.A, 1.8, 2.2);
        Assert.InRange(c.B, -1.15, -0.85);
    }
}
