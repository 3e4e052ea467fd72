using Pql.Core.Application;
using Pql.Core.Features;
using Pql.Core.Learning;

namespace Pql.Cli.Bench;

/// <summary>
/// <c>pql learn --model lightgbm</c>: the LightGBM peer as a learner the learn service can run, so the peer stays in the
/// benchmark (the engine never depends on LightGBM) while reading the same tables and timed the same way as ours.
/// </summary>
internal sealed class LightGbmPeer : IPeerLearner
{
    public string Name => "lightgbm";

    public PeerFit Fit(FeatureMatrix train, byte[] labels, FeatureMatrix test, GbdtOptions options, int threads)
    {
        ArgumentNullException.ThrowIfNull(options);
        var r = LightGbmLearner.Run(train, labels, test, options.Trees, options.MaxDepth, options.LearningRate, threads);
        return new PeerFit(r.TrainSeconds, r.PredictSeconds, r.TrainCpuSeconds, r.Scores);
    }
}
