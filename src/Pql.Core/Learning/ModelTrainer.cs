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
}

/// <summary>One fitted candidate and its (calibrated) metrics on the validation window.</summary>
public sealed record CandidateResult(string Kind, ModelMetrics Metrics, ScoringModel Model);

/// <summary>All candidates and the chosen one.</summary>
public sealed record TrainingResult(IReadOnlyList<CandidateResult> Candidates, ScoringModel Best);

/// <summary>
/// Fits GBDT and logistic regression (and the rules score when weights are given) on the training window,
/// calibrates each with Platt scaling on the validation window, evaluates the calibrated probabilities there,
/// and keeps the best PR AUC (ties: gbdt, logistic, rules) unless a kind is pinned.
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
            ModelFitter.FitGbdt(train, trainLabels, options, valid, validLabels),
            ModelFitter.FitLogistic(train, trainLabels, threads),
        };
        if (request.RuleWeights is { Count: > 0 } weights)
            models.Add(ModelFitter.FitRules(train, weights));

        var candidates = new List<CandidateResult>();
        foreach (var model in models)
        {
            model.Threads = threads;
            var raw = model.PredictRaw(valid);
            model.Calibration = HasBothClasses(validLabels) ? PlattCalibration.Fit(raw, validLabels) : null;
            var p = model.PredictProbability(valid);
            candidates.Add(new CandidateResult(model.Kind, ModelMetrics.Compute(p, validLabels), model));
        }
        var best = candidates[0];
        if (request.PinnedModel is { } kind)
        {
            best = candidates.First(c => c.Kind == kind);
        }
        else
        {
            foreach (var c in candidates)
            {
                if (c.Metrics.PrAuc > best.Metrics.PrAuc || (double.IsNaN(best.Metrics.PrAuc) && !double.IsNaN(c.Metrics.PrAuc)))
                    best = c;
            }
        }
        return new TrainingResult(candidates, best.Model);
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
