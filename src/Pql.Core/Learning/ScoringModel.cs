using Pql.Core.Features;

namespace Pql.Core.Learning;

/// <summary>Why a row scored what it did: BaseValue + sum(Contributions) = Margin (the model's raw score).</summary>
public sealed record Explanation(double BaseValue, double[] Contributions, double Margin);

/// <summary>
/// A trained scoring model of one kind (gbdt, logistic, rules). Columns of the scoring matrix are matched BY NAME
/// (an absent column is all-missing). The raw score is a margin (log-odds) for gbdt and logistic and a [0,1]
/// weighted sum for rules; <see cref="PredictProbability"/> applies the calibration fitted on the validation window.
/// </summary>
public abstract class ScoringModel
{
    private protected ScoringModel(FeatureSchema schema)
    {
        Schema = schema;
    }

    /// <summary>"gbdt", "logistic" or "rules".</summary>
    public abstract string Kind { get; }

    public FeatureSchema Schema { get; }

    public IReadOnlyList<string> FeatureNames => Schema.Names;

    /// <summary>Platt scaling of the raw score, or null for the uncalibrated probability.</summary>
    public PlattCalibration? Calibration { get; internal set; }

    /// <summary>
    /// Inputs that state one fact (<see cref="CorrelatedFeatures"/>), each group led by the name drivers show; empty for an
    /// artifact saved before groups were kept.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>> DriverGroups { get; internal set; } = [];

    /// <summary>Threads used by batch prediction (default: all processors). Results do not depend on it.</summary>
    public int Threads { get; set; } = Environment.ProcessorCount;

    /// <summary>Raw scores (margins for gbdt/logistic, the weighted sum for rules), one per row.</summary>
    public abstract double[] PredictRaw(FeatureMatrix m);

    /// <summary>The raw score's own probability reading before calibration (sigmoid of a margin; rules as they are).</summary>
    internal abstract double RawToProbability(double raw);

    /// <summary>Calibrated probabilities, one per row.</summary>
    public double[] PredictProbability(FeatureMatrix m)
    {
        var raw = PredictRaw(m);
        for (var i = 0; i < raw.Length; i++)
            raw[i] = Calibration is { } c ? c.Apply(raw[i]) : RawToProbability(raw[i]);
        return raw;
    }

    internal double[] PredictRawProbability(FeatureMatrix m, int threads)
    {
        Threads = threads;
        var raw = PredictRaw(m);
        for (var i = 0; i < raw.Length; i++)
            raw[i] = RawToProbability(raw[i]);
        return raw;
    }

    /// <summary>Contributions of every feature (aligned with <see cref="FeatureNames"/>) to one row's raw score.</summary>
    public abstract Explanation Explain(FeatureMatrix m, int row);

    /// <summary>Mean absolute contribution per feature over the rows of <paramref name="m"/>.</summary>
    public double[] GlobalImportance(FeatureMatrix m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var features = Schema.Count;
        var blocks = (m.RowCount + 255) / 256;
        var partial = new double[blocks][];
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Threads) }, b =>
        {
            var sum = new double[features];
            var end = Math.Min(m.RowCount, (b + 1) * 256);
            for (var r = b * 256; r < end; r++)
            {
                var e = Explain(m, r);
                for (var f = 0; f < features; f++)
                    sum[f] += Math.Abs(e.Contributions[f]);
            }
            partial[b] = sum;
        });
        var total = new double[features];
        foreach (var p in partial)
        {
            for (var f = 0; f < features; f++)
                total[f] += p[f];
        }
        for (var f = 0; f < features; f++)
            total[f] = m.RowCount == 0 ? 0 : total[f] / m.RowCount;
        return total;
    }

    internal static double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));

    /// <summary>One row of the scoring matrix, aligned to the schema (by name).</summary>
    private protected float[] AlignedRow(FeatureMatrix m, int row)
    {
        ArgumentNullException.ThrowIfNull(m);
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, m.RowCount);
        var columns = Schema.Align(m);
        var x = new float[columns.Length];
        for (var f = 0; f < x.Length; f++)
            x[f] = columns[f][row];
        return x;
    }
}
