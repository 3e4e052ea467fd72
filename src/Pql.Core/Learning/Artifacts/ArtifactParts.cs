using Pql.Core.Learning.Evaluation;

namespace Pql.Core.Learning.Artifacts;

/// <summary>A model input as stored in an artifact: name, kind ("numeric"/"categorical") and category levels.</summary>
public sealed record ArtifactFeature(string Name, string Kind, IReadOnlyList<string> Levels);

/// <summary>A candidate's validation metrics, stored so the card can compare every model that was fitted.</summary>
public sealed record ArtifactCandidate(string Kind, ModelMetrics Metrics);

/// <summary>Mean absolute contribution of one feature on the validation window.</summary>
public sealed record ArtifactImportance(string Feature, double MeanAbsContribution);

/// <summary>Binning of one GBDT feature: upper bounds of the value bins (numeric) or the bin count (categorical).</summary>
public sealed record ArtifactBins(bool Categorical, int BinCount, float[] Upper);

/// <summary>One tree as flat arrays (see RegressionTree): Left &lt; 0 marks a leaf.</summary>
public sealed record ArtifactTree(int[] Feature, float[] Threshold, int[] BinThreshold, int[] Left, int[] Right, byte[] Flags, double[] Value, double[] Cover);

public sealed record ArtifactGbdt(double BaseMargin, IReadOnlyList<ArtifactBins> Bins, IReadOnlyList<ArtifactTree> Trees);

/// <summary>One standardised logistic input (Level &lt; 0 = numeric) and its coefficient.</summary>
public sealed record ArtifactLogisticTerm(int Feature, int Level, double Fill, double Mean, double Scale, double Coefficient);

public sealed record ArtifactLogistic(double Intercept, IReadOnlyList<ArtifactLogisticTerm> Terms);

/// <summary>Rules weights aligned with the features and each feature's percentile grid.</summary>
public sealed record ArtifactRules(double[] Weights, IReadOnlyList<float[]> Grids);
