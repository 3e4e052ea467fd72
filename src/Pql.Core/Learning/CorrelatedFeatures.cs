using Pql.Core.Features;

namespace Pql.Core.Learning;

/// <summary>
/// Model inputs that state one fact (<c>events_total</c>, <c>active_days_total</c>, <c>kind.feature_use.events_total</c>):
/// numeric columns whose Pearson correlation on the training snapshot is at least <see cref="Threshold"/> in absolute value.
/// Drivers sum a group's contributions under its most important member's name, so one fact is shown once with its whole
/// weight instead of three times with a share each.
/// </summary>
public static class CorrelatedFeatures
{
    /// <summary>|r| at which two columns are read as one fact.</summary>
    public const double Threshold = 0.9;

    /// <summary>
    /// Groups of two or more features (names), each led by its most important member. Greedy and deterministic: features in
    /// order of importance (ties by index) each start a group and take every later, still ungrouped, numeric feature
    /// correlated with them at <paramref name="threshold"/> or more. Features of zero importance never contribute and are
    /// left out; a missing value counts as the column's mean.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> Groups(FeatureSchema schema, FeatureMatrix sample, double[] importance, double threshold = Threshold)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(importance);
        var columns = schema.Align(sample);
        var order = Enumerable.Range(0, schema.Count)
            .Where(f => importance[f] > 0 && schema.Kinds[f] == FeatureKind.Numeric)
            .OrderByDescending(f => importance[f]).ThenBy(f => f).ToArray();
        var z = new double[]?[order.Length];
        for (var i = 0; i < order.Length; i++)
            z[i] = Standardised(columns[order[i]], sample.RowCount);
        var taken = new bool[order.Length];
        var groups = new List<IReadOnlyList<string>>();
        for (var i = 0; i < order.Length; i++)
        {
            if (taken[i] || z[i] is null)
                continue;
            var group = new List<string> { schema.Names[order[i]] };
            for (var j = i + 1; j < order.Length; j++)
            {
                if (!taken[j] && z[j] is not null && Math.Abs(Dot(z[i]!, z[j]!)) >= threshold)
                {
                    taken[j] = true;
                    group.Add(schema.Names[order[j]]);
                }
            }
            if (group.Count > 1)
                groups.Add(group);
        }
        return groups;
    }

    /// <summary>(x - mean) / (sd · sqrt(n)) with missing values at the mean, so the dot product of two is their correlation; null when constant.</summary>
    private static double[]? Standardised(float[] x, int n)
    {
        double sum = 0;
        var count = 0;
        for (var r = 0; r < n; r++)
        {
            if (!float.IsNaN(x[r]))
            {
                sum += x[r];
                count++;
            }
        }
        if (count < 2)
            return null;
        var mean = sum / count;
        var z = new double[n];
        double ss = 0;
        for (var r = 0; r < n; r++)
        {
            var d = float.IsNaN(x[r]) ? 0 : x[r] - mean;
            z[r] = d;
            ss += d * d;
        }
        if (ss <= 1e-12 * Math.Max(1, mean * mean) * n)
            return null;
        var scale = 1 / Math.Sqrt(ss);
        for (var r = 0; r < n; r++)
            z[r] *= scale;
        return z;
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (var r = 0; r < a.Length; r++)
            s += a[r] * b[r];
        return s;
    }
}
