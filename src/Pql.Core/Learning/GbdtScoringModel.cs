using Pql.Core.Features;
using Pql.Core.Learning.Gbdt;

namespace Pql.Core.Learning;

/// <summary>Gradient boosted trees; explanations are exact path-dependent TreeSHAP values in margin space.</summary>
public sealed class GbdtScoringModel : ScoringModel
{
    internal GbdtScoringModel(GbdtModel model)
        : base(model.Schema)
    {
        Model = model;
    }

    internal GbdtModel Model { get; }

    public override string Kind => "gbdt";

    public int TreeCount => Model.Trees.Count;

    public override double[] PredictRaw(FeatureMatrix m) => Model.PredictMargin(m, Threads);

    internal override double RawToProbability(double raw) => Sigmoid(raw);

    public override Explanation Explain(FeatureMatrix m, int row)
    {
        var x = AlignedRow(m, row);
        var phi = new double[Schema.Count];
        var baseValue = Model.BaseMargin;
        var margin = Model.BaseMargin;
        var shap = new TreeShap(Model.Trees);
        foreach (var tree in Model.Trees)
        {
            baseValue += TreeShap.ExpectedValue(tree);
            margin += tree.Predict(x);
            shap.Add(tree, x, phi);
        }
        return new Explanation(baseValue, phi, margin);
    }
}
