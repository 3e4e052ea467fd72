using Pql.Core.Learning.Evaluation;

namespace Pql.Core.Tests.Learning;

public sealed class BootstrapMetricsTests
{
    // The hand-worked six rows of BinaryMetricsTests: AUC 0.5, AP 2/3, Brier 1.96/6, lift 2.
    private static readonly double[] P = [0.9, 0.8, 0.7, 0.7, 0.3, 0.2];
    private static readonly byte[] Y = [1, 0, 1, 0, 0, 1];

    [Fact]
    public void Estimates_are_the_full_data_figures_of_the_hand_worked_rows()
    {
        var m = BootstrapMetrics.Evaluate(P, Y, null, rounds: 50);

        Assert.Equal(0.5, m.RocAuc.Estimate, 12);
        Assert.Equal(2.0 / 3, m.PrAuc.Estimate, 12);
        Assert.Equal(1.96 / 6, m.Brier.Estimate, 12);
        Assert.Equal(2.0, m.LiftTopDecile.Estimate, 12);
        Assert.Equal(6, m.Rows);
        Assert.Equal(3, m.Positives);
    }

    [Fact]
    public void Estimates_match_ModelMetrics_on_random_data_with_ties()
    {
        var random = new Random(3);
        var p = new double[997];
        var y = new byte[p.Length];
        for (var i = 0; i < p.Length; i++)
        {
            p[i] = Math.Round(random.NextDouble(), 2);   // many ties
            y[i] = (byte)(random.NextDouble() < p[i] * 0.5 ? 1 : 0);
        }
        var expected = ModelMetrics.Compute(p, y);

        var m = BootstrapMetrics.Evaluate(p, y, null, rounds: 10);

        Assert.Equal(expected.RocAuc, m.RocAuc.Estimate, 12);
        Assert.Equal(expected.PrAuc, m.PrAuc.Estimate, 12);
        Assert.Equal(expected.Brier, m.Brier.Estimate, 12);
        Assert.Equal(expected.LiftTopDecile, m.LiftTopDecile.Estimate, 12);
    }

    [Fact]
    public void Calibration_error_is_zero_when_every_decile_predicts_its_observed_rate()
    {
        // Ten deciles of ten rows; decile d is scored d/10 and has exactly d positives.
        var p = new double[100];
        var y = new byte[100];
        for (var d = 0; d < 10; d++)
        {
            for (var k = 0; k < 10; k++)
            {
                p[d * 10 + k] = d / 10.0;
                y[d * 10 + k] = (byte)(k < d ? 1 : 0);
            }
        }
        var m = BootstrapMetrics.Evaluate(p, y, null, rounds: 0);
        Assert.Equal(0.0, m.CalibrationError.Estimate, 12);

        // Shift every score up by 0.1: each decile is now off by exactly 0.1.
        var shifted = p.Select(v => v + 0.1).ToArray();
        Assert.Equal(0.1, BootstrapMetrics.Evaluate(shifted, y, null, rounds: 0).CalibrationError.Estimate, 12);
    }

    [Fact]
    public void Interval_contains_the_estimate_narrows_with_more_rows_and_is_reproducible()
    {
        var (p1, y1) = Noisy(400, 1);
        var (p2, y2) = Noisy(10_000, 1);

        var small = BootstrapMetrics.Evaluate(p1, y1, null, rounds: 300, seed: 9);
        var large = BootstrapMetrics.Evaluate(p2, y2, null, rounds: 300, seed: 9);
        var again = BootstrapMetrics.Evaluate(p1, y1, null, rounds: 300, seed: 9);
        var otherSeed = BootstrapMetrics.Evaluate(p1, y1, null, rounds: 300, seed: 10);

        Assert.InRange(small.RocAuc.Estimate, small.RocAuc.Low, small.RocAuc.High);
        Assert.InRange(small.PrAuc.Estimate, small.PrAuc.Low, small.PrAuc.High);
        Assert.True(small.RocAuc.Low < small.RocAuc.High);
        Assert.True(large.RocAuc.High - large.RocAuc.Low < (small.RocAuc.High - small.RocAuc.Low) / 2,
            "25x the rows should give an interval about 5x narrower");
        Assert.Equal(small.RocAuc, again.RocAuc);
        Assert.Equal(small.PrAuc, again.PrAuc);
        Assert.NotEqual(small.RocAuc.Low, otherSeed.RocAuc.Low);
    }

    [Fact]
    public void Paired_difference_of_a_better_ranking_is_positive_and_of_itself_is_zero()
    {
        var (p, y) = Noisy(3000, 2);
        var perfect = y.Select(v => (double)v).ToArray();

        var a = BootstrapMetrics.Rounds(perfect, y, null, 200, 5, null);
        var b = BootstrapMetrics.Rounds(p, y, null, 200, 5, null);
        var d = BootstrapTable.Difference(a.RocAuc, b.RocAuc);
        var self = BootstrapTable.Difference(b.RocAuc, b.RocAuc);

        Assert.True(d.Low > 0, $"perfect ranking minus a noisy one: {d}");
        Assert.Equal(new Interval(0, 0, 0), self);
    }

    [Fact]
    public void Tier_rates_count_achievers_per_tier_in_the_given_order()
    {
        string[] tiers = ["hot", "hot", "warm", "warm", "cold", "cold"];

        var m = BootstrapMetrics.Rounds(P, Y, tiers, 100, 1, ["warm", "hot"]).Summarise();

        Assert.Equal(["warm", "hot", "cold"], m.Tiers.Select(t => t.Tier));
        Assert.Equal(0.5, m.Tiers[0].Rate.Estimate, 12);   // warm: 0.7 (yes), 0.7 (no)
        Assert.Equal(0.5, m.Tiers[1].Rate.Estimate, 12);   // hot: 0.9 (yes), 0.8 (no)
        Assert.Equal(0.5, m.Tiers[2].Rate.Estimate, 12);
        Assert.Equal(2, m.Tiers[1].Rows);
        Assert.Equal(1, m.Tiers[1].Achieved);
        Assert.InRange(m.Tiers[0].Rate.Low, 0.0, 0.5);
        Assert.InRange(m.Tiers[0].Rate.High, 0.5, 1.0);
    }

    [Fact]
    public void Percentile_interval_interpolates_like_numpy_and_skips_nan()
    {
        var values = Enumerable.Range(0, 101).Select(i => (double)i).Append(double.NaN).ToArray();

        var (lo, hi) = BootstrapMetrics.PercentileInterval(values);

        Assert.Equal(2.5, lo, 12);
        Assert.Equal(97.5, hi, 12);
    }

    private static (double[] P, byte[] Y) Noisy(int n, int seed)
    {
        var random = new Random(seed);
        var p = new double[n];
        var y = new byte[n];
        for (var i = 0; i < n; i++)
        {
            y[i] = (byte)(random.NextDouble() < 0.2 ? 1 : 0);
            p[i] = Math.Clamp(0.3 + 0.2 * y[i] + 0.6 * (random.NextDouble() - 0.5), 0, 1);
        }
        return (p, y);
    }
}
