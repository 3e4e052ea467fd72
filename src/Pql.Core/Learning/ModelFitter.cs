using Pql.Core.Features;
using Pql.Core.Learning.Gbdt;

namespace Pql.Core.Learning;

/// <summary>Fits one model of each kind (uncalibrated); ModelTrainer compares and calibrates them.</summary>
internal static class ModelFitter
{
    public static GbdtScoringModel FitGbdt(FeatureMatrix train, byte[] labels, GbdtOptions options,
        FeatureMatrix? valid = null, byte[]? validLabels = null, float[]? rowWeights = null)
    {
        var model = new GbdtScoringModel(GbdtTrainer.Train(train, labels, options, valid, validLabels, rowWeights));
        model.Threads = options.EffectiveThreads;
        return model;
    }

    public static LogisticScoringModel FitLogistic(FeatureMatrix train, byte[] labels, int threads)
    {
        var model = Linear.LogisticTrainer.Train(train, labels, threads);
        model.Threads = threads;
        return model;
    }

    public static RulesScoringModel FitRules(FeatureMatrix train, IReadOnlyDictionary<string, double> weights) =>
        RulesScoringModel.Fit(train, weights);
}
