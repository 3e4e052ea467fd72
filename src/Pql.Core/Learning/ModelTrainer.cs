using Pql.Core.Features;
using Pql.Core.Learning.Evaluation;

namespace Pql.Core.Learning;

/// <summary>What to fit: seed, threads, optional pinned model kind, optional rules weights and GBDT options.</summary>
public sealed record TrainingRequest
{
    /// <summary>Seed for every random choice. Default 42 (as pql.yaml's training.seed).</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Worker threads (0 = all processors).</summary>
    public int Threads { get; init; }

    /// <summary>"gbdt", "logistic" or "rules" to keep that kind whatever the metrics; null = best PR AUC.</summary>
    public string? PinnedModel { get; init; }

    /// <summary>Rules score weights by feature name (from pql.yaml's rules section), or null for no rules candidate.</summary>
    public IReadOnlyDictionary<string, double>? RuleWeights { get; init; }

    public GbdtOptions GbdtOptions { get; init; } = new();

    /// <summary>Optional weight per training row for the GBDT (see <see cref="Gbdt.GbdtTrainer.Train"/>).</summary>
    public float[]? RowWeights { get; init; }
}

/// <summary>One fitted candidate and its (calibrated) metrics on the validation window.</summary>
public sealed record CandidateResult(string Kind, ModelMetrics Metrics, ScoringModel Model);

/// <summary>All candidates and the chosen one.</summary>
public sealed record TrainingResult(IReadOnlyList<CandidateResult> Candidates, ScoringModel Best);

/// <summary>
/// Fits GBDT and logistic regression (and the rules score when weights are given) on the training window,
/// calibrates each with Platt scaling on the validation window, evaluates the calibrated probabilities there,
/// and keeps the GBDT unless another candidate is clearly better there (see Choose) or a kind is pinned.
/// </summary>
public static class ModelTrainer
{
    public static readonly IReadOnlyList<string> Kinds = ["gbdt", "logistic", "rules"];

    public static TrainingResult Train(FeatureMatrix train, byte[] trainLabels, FeatureMatrix valid, byte[] validLabels, TrainingRequest request)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(trainLabels);
        ArgumentNullException.ThrowIfNull(valid);
        ArgumentNullException.ThrowIfNull(validLabels);
        ArgumentNullException.ThrowIfNull(request);
        if (trainLabels.Length != train.RowCount || validLabels.Length != valid.RowCount)
            throw new ArgumentException("one label per row is required for both windows");
        if (request.PinnedModel is { } pinned && !Kinds.Contains(pinned))
            throw new Workspace.PqlInputException($"pinned model '{pinned}' is not one of {string.Join(", ", Kinds)}");
        if (request.PinnedModel == "rules" && request.RuleWeights is null)
            throw new Workspace.PqlInputException("the rules model is pinned but pql.yaml has no rules weights for this goal");
        var options = request.GbdtOptions with { Seed = request.Seed, Threads = request.Threads };
        options.Validate();
        var threads = options.EffectiveThreads;

        var models = new List<ScoringModel>
        {
            ModelFitter.FitGbdt(train, trainLabels, options, valid, validLabels, request.RowWeights),
            ModelFitter.FitLogistic(train, trainLabels, threads),
        };
        if (request.RuleWeights is { Count: > 0 } weights)
            models.Add(ModelFitter.FitRules(train, weights));

        var candidates = new List<CandidateResult>();
        var selectionScores = new List<double[]>();
        foreach (var model in models)
        {
            model.Threads = threads;
            var raw = model.PredictRaw(valid);
            model.Calibration = HasBothClasses(validLabels) ? PlattCalibration.Fit(raw, validLabels) : null;
            var p = model.PredictProbability(valid);
            candidates.Add(new CandidateResult(model.Kind, ModelMetrics.Compute(p, validLabels), model));
            selectionScores.Add(p);
        }
        var best = request.PinnedModel is { } kind ? candidates.First(c => c.Kind == kind) : Choose(candidates, selectionScores, validLabels, request.Seed);
        return new TrainingResult(candidates, best.Model);
    }

    /// <summary>
    /// The GBDT (the first candidate) unless another candidate's PR AUC on the selection window beats it with a paired
    /// bootstrap 95% interval above zero. Selection windows are small (a few hundred achievers, sometimes dozens), and
    /// picking the raw best PR AUC there chose the weaker model in backtests (docs/LEARNING.md).
    /// </summary>
    private static CandidateResult Choose(List<CandidateResult> candidates, List<double[]> scores, byte[] validLabels, int seed)
    {
        var first = candidates[0];
        if (double.IsNaN(first.Metrics.PrAuc))
            return candidates.FirstOrDefault(c => !double.IsNaN(c.Metrics.PrAuc)) ?? first;
        var tables = scores.ConvertAll(p => BootstrapMetrics.Rounds(p, validLabels, null, SelectionRounds, seed, null));
        var best = first;
        var bestTable = tables[0];
        for (var i = 1; i < candidates.Count; i++)
        {
            var d = BootstrapTable.Difference(tables[i].PrAuc, bestTable.PrAuc);
            if (d.Low > 0)
            {
                best = candidates[i];
                bestTable = tables[i];
            }
        }
        return best;
    }

    private const int SelectionRounds = 200;

    /// <summary>
    /// Refits every candidate of <paramref name="chosen"/> on <paramref name="all"/> rows (typically every labelled cutoff,
    /// the selection window included): the GBDT with the number of trees early stopping chose and no further stopping,
    /// each model keeping the Platt calibration and the selection metrics of its first fit. The refit sees the newest
    /// behaviour; the selection fit only decided what to refit.
    /// </summary>
    public static TrainingResult Refit(TrainingResult chosen, FeatureMatrix all, byte[] labels, TrainingRequest request)
    {
        ArgumentNullException.ThrowIfNull(chosen);
        ArgumentNullException.ThrowIfNull(all);
        ArgumentNullException.ThrowIfNull(request);
        var options = request.GbdtOptions with { Seed = request.Seed, Threads = request.Threads, EarlyStoppingRounds = 0 };
        var threads = options.EffectiveThreads;
        var candidates = new List<CandidateResult>();
        ScoringModel? best = null;
        foreach (var c in chosen.Candidates)
        {
            ScoringModel model = c.Model switch
            {
                GbdtScoringModel g => ModelFitter.FitGbdt(all, labels, options with { Trees = Math.Max(1, g.TreeCount) }, rowWeights: request.RowWeights),
                LogisticScoringModel => ModelFitter.FitLogistic(all, labels, threads),
                _ => ModelFitter.FitRules(all, request.RuleWeights!),
            };
            model.Threads = threads;
            model.Calibration = c.Model.Calibration;
            candidates.Add(c with { Model = model });
            if (ReferenceEquals(c.Model, chosen.Best))
                best = model;
        }
        return new TrainingResult(candidates, best!);
    }

    private static bool HasBothClasses(byte[] labels)
    {
        bool pos = false, neg = false;
        foreach (var y in labels)
        {
            if (y != 0) pos = true; else neg = true;
        }
        return pos && neg;
    }
}
