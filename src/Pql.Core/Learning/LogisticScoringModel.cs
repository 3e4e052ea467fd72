using Pql.Core.Features;
using Pql.Core.Learning.Linear;

namespace Pql.Core.Learning;

/// <summary>
/// Logistic regression on standardised inputs. Explanations: each feature's contribution is coef · z, with
/// z = (x − training mean) / training sd (summed over a categorical feature's one-hot levels); the base value is the
/// intercept, the margin at the training means.
/// </summary>
public sealed class LogisticScoringModel : ScoringModel
{
    internal LogisticScoringModel(FeatureSchema schema, DesignColumn[] design, double[] coefficients, double intercept)
        : base(schema)
    {
        Design = design;
        Coefficients = coefficients;
        Intercept = intercept;
    }

    internal DesignColumn[] Design { get; }
    internal double[] Coefficients { get; }
    public double Intercept { get; }

    public override string Kind => "logistic";

    public override double[] PredictRaw(FeatureMatrix m)
    {
        var columns = Schema.Align(m);
        var n = m.RowCount;
        var result = new double[n];
        Parallel.For(0, (n + 4095) / 4096, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Threads) }, b =>
        {
            var start = b * 4096;
            var end = Math.Min(n, start + 4096);
            for (var r = start; r < end; r++)
                result[r] = Intercept;
            for (var j = 0; j < Design.Length; j++)
            {
                var d = Design[j];
                var col = columns[d.Feature];
                var w = Coefficients[j];
                for (var r = start; r < end; r++)
                    result[r] += w * d.Z(col[r]);
            }
        });
        return result;
    }

    internal override double RawToProbability(double raw) => Sigmoid(raw);

    public override Explanation Explain(FeatureMatrix m, int row)
    {
        var x = AlignedRow(m, row);
        var phi = new double[Schema.Count];
        var margin = Intercept;
        for (var j = 0; j < Design.Length; j++)
        {
            var c = Coefficients[j] * Design[j].Z(x[Design[j].Feature]);
            phi[Design[j].Feature] += c;
            margin += c;
        }
        return new Explanation(Intercept, phi, margin);
    }
}
