using Pql.Core.Features;

namespace Pql.Core.Tests.Learning;

/// <summary>Seeded synthetic feature tables for learner tests.</summary>
internal static class SomeData
{
    /// <summary>
    /// n rows: x0 (informative, 10% missing), x1 (informative), x2 (noise), c (categorical, 4 levels, level 2 lifts the label),
    /// b (binary). Label drawn from a logistic model of those.
    /// </summary>
    public static (FeatureMatrix Matrix, byte[] Labels) Table(int n, int seed)
    {
        var rng = new Random(seed);
        var x0 = new float[n];
        var x1 = new float[n];
        var x2 = new float[n];
        var c = new float[n];
        var b = new float[n];
        var y = new byte[n];
        for (var r = 0; r < n; r++)
        {
            x0[r] = rng.NextDouble() < 0.1 ? float.NaN : (float)(rng.NextDouble() * 10);
            x1[r] = (float)Math.Round(rng.NextDouble() * 5, 1);
            x2[r] = (float)rng.NextDouble();
            c[r] = rng.Next(4);
            b[r] = rng.Next(2);
            var z = -2 + 0.4 * (float.IsNaN(x0[r]) ? 5 : x0[r]) - 0.5 * x1[r] + (c[r] == 2 ? 1.5 : 0) + 0.8 * b[r] * (x1[r] > 2.5 ? 1 : -1);
            y[r] = (byte)(rng.NextDouble() < 1 / (1 + Math.Exp(-z)) ? 1 : 0);
        }
        var m = new FeatureMatrix
        {
            RowCount = n,
            Columns =
            [
                new FeatureColumn { Name = "activity.x0", Values = x0 },
                new FeatureColumn { Name = "activity.x1", Values = x1 },
                new FeatureColumn { Name = "activity.noise", Values = x2 },
                new FeatureColumn { Name = "firmo.segment", Kind = FeatureKind.Categorical, Levels = ["a", "b", "c", "d"], Values = c },
                new FeatureColumn { Name = "adoption.flag", Values = b },
            ],
        };
        return (m, y);
    }

    public static FeatureMatrix Matrix(params (string Name, float[] Values)[] columns) => new()
    {
        RowCount = columns[0].Values.Length,
        Columns = columns.Select(c => new FeatureColumn { Name = c.Name, Values = c.Values }).ToArray(),
    };
}
