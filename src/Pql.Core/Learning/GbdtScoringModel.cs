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
        _shared = new Lazy<(int, double)>(ComputeShared);
    }

    internal GbdtModel Model { get; }

    /// <summary>
    /// What every explanation shares, computed on the first one: the deepest tree (the path buffer's size) and the base value (the
    /// model's margin with no feature known). Each explanation used to walk every tree twice for them before its own pass; the live
    /// server explains every entity whose trigger fires, and a burst of firings made that the longest part of a rescoring pass.
    /// </summary>
    private (int MaxDepth, double BaseValue) Shared => _shared.Value;

    private readonly Lazy<(int, double)> _shared;   // thread-safe: the server explains on every core

    private (int, double) ComputeShared()
    {
        var baseValue = Model.BaseMargin;
        foreach (var tree in Model.Trees)
            baseValue += TreeShap.ExpectedValue(tree);
        return (TreeShap.MaxDepth(Model.Trees), baseValue);
    }

    public override string Kind => "gbdt";

    public int TreeCount => Model.Trees.Count;

    public override double[] PredictRaw(FeatureMatrix m) => Model.PredictMargin(m, Threads);

    internal override double RawToProbability(double raw) => Sigmoid(raw);

    public override Explanation Explain(FeatureMatrix m, int row)
    {
        var x = AlignedRow(m, row);
        var phi = new double[Schema.Count];
        var (maxDepth, baseValue) = Shared;
        var margin = Model.BaseMargin;
        var shap = new TreeShap(maxDepth);
        foreach (var tree in Model.Trees)
        {
            margin += tree.Predict(x);
            shap.Add(tree, x, phi);
        }
        return new Explanation(baseValue, phi, margin);
    }
}
