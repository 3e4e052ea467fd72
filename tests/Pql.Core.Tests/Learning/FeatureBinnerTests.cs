using Pql.Core.Learning.Gbdt;

namespace Pql.Core.Tests.Learning;

public sealed class FeatureBinnerTests
{
    [Fact]
    public void NumericCuts_few_distinct_values_get_one_bin_each_and_an_open_last_bin()
    {
        var values = new[] { 1f, 2f, 2f, 3f, float.NaN, 5f };

        var cuts = FeatureBinner.NumericCuts(values, null, 255);

        float[] expected = [1f, 2f, 3f, float.MaxValue];
        Assert.Equal(expected, cuts);
    }

    [Fact]
    public void NumericCuts_many_values_split_at_quantiles()
    {
        // 8 distinct values into 4 bins: ranks 2, 4, 6 close bins at 2, 4, 6; the last bin is open.
        var values = new[] { 8f, 7f, 6f, 5f, 4f, 3f, 2f, 1f };

        var cuts = FeatureBinner.NumericCuts(values, null, 4);

        float[] expected = [2f, 4f, 6f, float.MaxValue];
        Assert.Equal(expected, cuts);
    }

    [Fact]
    public void BinOf_maps_missing_to_bin_zero_and_values_by_upper_bound()
    {
        var cuts = new BinCuts { Upper = [[1f, 2f, 3f, float.MaxValue], []], IsCategorical = [false, true], BinCount = [5, 5] };

        Assert.Equal(0, cuts.BinOf(0, float.NaN));
        Assert.Equal(1, cuts.BinOf(0, 0.5f));
        Assert.Equal(1, cuts.BinOf(0, 1f));
        Assert.Equal(2, cuts.BinOf(0, 1.5f));
        Assert.Equal(3, cuts.BinOf(0, 3f));
        Assert.Equal(4, cuts.BinOf(0, 4f));
        Assert.Equal(4, cuts.BinOf(0, 1e30f));
        Assert.Equal(3, cuts.BinOf(1, 2f));
        Assert.Equal(0, cuts.BinOf(1, float.NaN));
    }

    [Fact]
    public void Create_stores_bins_column_major_as_bytes()
    {
        var m = SomeData.Matrix(("a", [1f, 2f, float.NaN]), ("b", [10f, 10f, 20f]));
        var cuts = FeatureBinner.ComputeCuts(m, 256, 1, 0);

        var data = BinnedData.Create(m, cuts, 1);

        byte[] bins = [1, 2, 0, 1, 1, 2];
        int[] offsets = [0, 6];
        Assert.Equal(bins, data.Bins);
        Assert.Equal(offsets, data.HistOffset);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(5000)]
    public void SortFloats_orders_like_a_comparison_sort(int n)
    {
        var rng = new Random(n);
        float[] special = [float.NegativeInfinity, float.PositiveInfinity, float.MaxValue, -float.MaxValue, float.Epsilon, -float.Epsilon, 0f, -0f];
        var values = new float[n];
        for (var i = 0; i < n; i++)
        {
            values[i] = rng.Next(4) switch
            {
                0 => special[rng.Next(special.Length)],
                1 => rng.Next(-5, 5),                        // many repeats
                _ => (float)((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-30, 30))),
            };
        }
        var expected = values.ToArray();
        Array.Sort(expected);

        FeatureBinner.SortFloats(values);

        // == rather than bit equality: the radix sort puts -0 before +0, a comparison sort in either order.
        for (var i = 0; i < n; i++)
            Assert.True(expected[i] == values[i], $"position {i}: {expected[i]} vs {values[i]}");
        for (var i = 1; i < n; i++)
            Assert.True(BitConverter.SingleToInt32Bits(values[i - 1]) != 0 || BitConverter.SingleToInt32Bits(values[i]) != int.MinValue);
    }

    [Fact]
    public void Create_bins_every_value_as_BinOf_does()
    {
        var rng = new Random(9);
        var values = new float[1003];
        for (var i = 0; i < values.Length; i++)
            values[i] = rng.Next(10) == 0 ? float.NaN : (float)Math.Round(rng.NextDouble() * 500, 1);
        var m = SomeData.Matrix(("x", values));
        var cuts = FeatureBinner.ComputeCuts(m, 64, 1, 0);

        var data = BinnedData.Create(m, cuts, 2);

        for (var r = 0; r < values.Length; r++)
            Assert.Equal(cuts.BinOf(0, values[r]), data.Bins[r]);
        for (var r = 0; r < values.Length; r++)
            Assert.Equal(data.Bins[r], data.RowBins[r]);
    }
}
