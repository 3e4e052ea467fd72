using System.Globalization;
using System.Text.Json;
using Pql.Core.Events;
using Pql.Core.Features;
using Pql.Core.Features.Sql;
using Pql.Core.Ingest;
using Pql.Core.Labels;
using Pql.Core.Learning;
using Pql.Core.Learning.Artifacts;
using Pql.Core.Workspace;

namespace Pql.Core.Scoring;

/// <summary>
/// Trains one goal (protocol in docs/LEARNING.md): weekly cutoffs before <c>as-of - horizon</c> -> eligible entities and
/// labels -> point-in-time features -> GBDT, logistic (and rules) fitted on the cutoffs whose outcomes end by the selection
/// cutoff, calibrated and compared on it -> every candidate refitted on all labelled cutoffs -> a versioned model artifact
/// with its card. Registering it in the model registry is the caller's step (Application/TrainService).
/// </summary>
public static class GoalTrainer
{
    public static GoalTrainingReport Train(WorkspaceConfig config, LoadResult load, GoalDefinition goal, TrainOptions options)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(load);
        ArgumentNullException.ThrowIfNull(goal);
        ArgumentNullException.ThrowIfNull(options);
        if (goal.Condition is LabelColumnCondition)
            return SnapshotGoalTrainer.Train(config, load, goal, options);
        var store = load.Store;
        var asOf = options.AsOfMs ?? store.MaxTime;
        var fit = Fit(config, store, goal, asOf, options);
        var (result, cutoffs, train, trainY, valid, validY, baseline) =
            (fit.Result, fit.Cutoffs, fit.Train, fit.TrainLabels, fit.Valid, fit.ValidLabels, fit.Baseline);
        var validCutoff = fit.Plan.Selection;
        var trainPos = Count(trainY);
        var validPos = Count(validY);

        var created = options.Time.GetUtcNow();
        var dataHash = DataHash(train, trainY);
        var version = string.Create(CultureInfo.InvariantCulture, $"{created:yyyyMMdd'T'HHmmss'Z'}-{dataHash[..8]}");
        var artifact = ModelArtifact.Create(result, valid);
        var meta = artifact.Metadata;
        meta["goal"] = goal.Name;
        meta["goal_kind"] = goal.Kind;
        meta["goal_definition"] = Describe(goal);
        meta["entity"] = goal.Entity.ToString().ToLowerInvariant();
        meta["horizon"] = Duration.Format(goal.HorizonMs);
        meta["version"] = version;
        meta["created"] = Timestamps.Format(created.ToUnixTimeMilliseconds());
        meta["as_of"] = Timestamps.Format(asOf);
        meta["data_window"] = $"{Timestamps.Format(store.MinTime)} .. {Timestamps.Format(asOf)}";
        meta["train_cutoffs"] = string.Join(", ", fit.Plan.Train.Select(Timestamps.Format));
        meta["refit_cutoffs"] = string.Join(", ", cutoffs.Select(Timestamps.Format));
        meta["refit_rows"] = fit.FittedRows.ToString(CultureInfo.InvariantCulture);
        meta["validation_cutoff"] = Timestamps.Format(validCutoff);
        meta["train_rows"] = train.RowCount.ToString(CultureInfo.InvariantCulture);
        meta["validation_rows"] = valid.RowCount.ToString(CultureInfo.InvariantCulture);
        meta["base_rate"] = string.Create(CultureInfo.InvariantCulture,
            $"{(double)trainPos / trainY.Length:0.####} in training, {(double)validPos / validY.Length:0.####} in validation");
        meta["data_hash"] = dataHash;
        meta["snapshot_id"] = $"{goal.Name}@{Timestamps.Format(asOf)}#{dataHash[..12]}";
        meta["events_loaded"] = load.Report.Loaded.ToString(CultureInfo.InvariantCulture);
        meta["rows_rejected"] = load.Report.Rejected.ToString(CultureInfo.InvariantCulture);
        if (fit.Feedback is { } feedback)
            meta["feedback"] = feedback.ToString();
        if (baseline is not null)
        {
            meta["activity_only_roc_auc"] = baseline.ActivityRocAuc.ToString("0.####", CultureInfo.InvariantCulture);
            meta["activity_only_pr_auc"] = baseline.ActivityPrAuc.ToString("0.####", CultureInfo.InvariantCulture);
        }

        var (artifactPath, cardPath, metrics) = SaveArtifact(config, goal, version, artifact, result);
        return new GoalTrainingReport(goal.Name, version, artifactPath, cardPath, result, cutoffs, train.RowCount, trainPos,
            valid.RowCount, validPos, fit.FeatureCount, baseline)
        {
            MetricsJson = metrics,
            CreatedMs = created.ToUnixTimeMilliseconds(),
            AsOfMs = asOf,
            Selection = new SelectionWindow(valid.RowEntity, valid.RowCutoff, validY, fit.SelectionScores),
        };
    }

    /// <summary>
    /// Writes the artifact and its model card under <c>.pql/models/GOAL/VERSION</c> and returns their paths with every candidate's
    /// metrics as the JSON the model registry stores. Shared by the time-cutoff and snapshot-table trainers.
    /// </summary>
    internal static (string ArtifactPath, string CardPath, string MetricsJson) SaveArtifact(WorkspaceConfig config, GoalDefinition goal, string version,
        ModelArtifact artifact, TrainingResult result)
    {
        var folder = Path.Combine(config.StateDirectory, "models", goal.Name);
        Directory.CreateDirectory(folder);
        var artifactPath = Path.Combine(folder, version + ".json");
        var cardPath = Path.Combine(folder, version + ".md");
        artifact.Save(artifactPath);
        File.WriteAllText(cardPath, ModelCard.RenderMarkdown(artifact));
        var metrics = JsonSerializer.Serialize(result.Candidates.ToDictionary(c => c.Kind, c => new { c.Metrics.RocAuc, c.Metrics.PrAuc, c.Metrics.LogLoss, c.Metrics.Brier, c.Metrics.LiftTopDecile }));
        return (artifactPath, cardPath, metrics);
    }

    /// <summary>
    /// Labels the cutoffs before <paramref name="asOf"/> − horizon, builds their point-in-time features and fits every
    /// candidate: the training half of <see cref="Train"/>, without writing anything (the backtest uses it at past T).
    /// </summary>
    public static GoalFit Fit(WorkspaceConfig config, EventStore store, GoalDefinition goal, long asOf, TrainOptions options)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(goal);
        ArgumentNullException.ThrowIfNull(options);
        var training = config.Training;
        var plan = CutoffPlan.Plan(asOf, goal.HorizonMs, training, store.MinTime);
        if (plan.Selection <= store.MinTime || (plan.Train.Length == 0 && plan.Refit.Length < 2))
            throw new PqlInputException(string.Create(CultureInfo.InvariantCulture,
                $"goal '{goal.Name}': not enough history to train: events run {Timestamps.Format(store.MinTime)} to {Timestamps.Format(asOf)}, and training needs at least two cutoffs, each followed by a full {Duration.Format(goal.HorizonMs)} horizon"));

        // With less than two horizons of history no training cutoff ends before the selection window: then the
        // selection rows are a held-out fifth of the entities instead, and their rows at every cutoff stay out of the fit.
        var byEntity = plan.Train.Length == 0;
        var cutoffs = training.Refit || byEntity ? plan.Refit : [.. plan.Train, plan.Selection];
        Log.Progress(options.Log, $"{goal.Name}: labelling {cutoffs.Length} cutoffs");
        var (entities, cuts, labels) = new GoalLabeler(store, goal).Rows(cutoffs);
        if (byEntity)
            Log.Progress(options.Log, $"warning: goal '{goal.Name}': history is shorter than two horizons, so the model is selected on a held-out fifth of the accounts instead of a later window");
        var trainSet = new HashSet<long>(plan.Train);
        var trainRows = new List<int>();
        var validRows = new List<int>();
        var (leftOut, boost, feedback) = ApplyFeedback(options, store, goal, entities, cuts, labels);
        for (var i = 0; i < cuts.Length; i++)
        {
            if (leftOut[i])
                continue;   // disqualified by a person, in cool-down

            var heldOut = byEntity && HeldOut(entities[i], training.Seed);
            if (cuts[i] == plan.Selection && (!byEntity || heldOut))
                validRows.Add(i);
            else if (byEntity ? !heldOut : trainSet.Contains(cuts[i]))
                trainRows.Add(i);
        }
        var trainY = Pick(labels, trainRows);
        var validY = Pick(labels, validRows);
        var trainPos = Count(trainY);
        var validPos = Count(validY);
        if (trainPos == 0 || trainPos == trainY.Length || validPos == 0 || validPos == validY.Length)
            throw new PqlInputException(string.Create(CultureInfo.InvariantCulture,
                $"goal '{goal.Name}': a model needs achievers and non-achievers in both windows; training has {trainPos:N0} of {trainY.Length:N0}, selection {validPos:N0} of {validY.Length:N0}. Check the goal's definition, or lengthen training.cutoffs / the data window"));
        if (validPos < 20)
            Log.Progress(options.Log, string.Create(CultureInfo.InvariantCulture,
                $"warning: goal '{goal.Name}': the selection window has only {validPos} achievers, so the model choice and its calibration are noisy"));

        Log.Progress(options.Log, string.Create(CultureInfo.InvariantCulture, $"{goal.Name}: features for {entities.Length:N0} rows"));
        var featureConfig = FeatureConfig.Parse(config);
        var built = EngineFeatures.Build(config, store, featureConfig, goal.Entity, entities, cuts);
        var ruleWeights = RuleWeights.Parse(config, goal.Name, built.Columns.Select(c => c.Name).ToArray());
        var (matrix, dropped) = ColumnPruning.DropUninformative(built, ruleWeights?.Keys.ToHashSet(StringComparer.Ordinal));
        if (dropped.Count > 0)
            Log.Progress(options.Log, string.Create(CultureInfo.InvariantCulture, $"{goal.Name}: {dropped.Count} constant or duplicate columns left out, {matrix.ColumnCount} kept"));
        var train = matrix.SelectRows(trainRows.ToArray());
        var valid = matrix.SelectRows(validRows.ToArray());

        Log.Progress(options.Log, $"{goal.Name}: training on {train.RowCount:N0} rows, selecting on {valid.RowCount:N0}");
        var request = new TrainingRequest
        {
            Seed = training.Seed,
            Threads = options.Threads,
            PinnedModel = training.Model,
            RuleWeights = ruleWeights,
            GbdtOptions = WorkspaceGbdtOptions(training),
            RowWeights = FeedbackWeights(training.EntityWeighting ? EntityWeights(entities, trainRows) : null, boost, trainRows),
        };
        var result = ModelTrainer.Train(train, trainY, valid, validY, request);
        // Out-of-sample on the selection window: the fit before any refit has not seen it (the promotion guardrail compares here).
        var selectionScores = result.Best.PredictProbability(valid);
        var fittedRows = train.RowCount;
        var fittedPositives = trainPos;
        if (training.Refit)
        {
            Log.Progress(options.Log, string.Create(CultureInfo.InvariantCulture, $"{goal.Name}: refitting on all {matrix.RowCount:N0} rows of {cutoffs.Length} cutoffs"));
            var all = Enumerable.Range(0, matrix.RowCount).Where(i => !leftOut[i]).ToList();
            var kept = all.Count == matrix.RowCount ? matrix : matrix.SelectRows(all.ToArray());
            var keptLabels = Pick(labels, all);
            result = ModelTrainer.Refit(result, kept, keptLabels, request with { RowWeights = FeedbackWeights(training.EntityWeighting ? EntityWeights(entities, all) : null, boost, all) });
            fittedRows = kept.RowCount;
            fittedPositives = Count(keptLabels);
        }

        BaselineComparison? baseline = null;
        if (options.CompareWithActivityOnly)
        {
            Log.Progress(options.Log, $"{goal.Name}: activity-only baseline");
            var activity = EngineFeatures.Build(config, store, featureConfig, goal.Entity, entities, cuts, FeatureFamilies.Activity);
            var baseResult = ModelTrainer.Train(activity.SelectRows(trainRows.ToArray()), trainY, activity.SelectRows(validRows.ToArray()), validY,
                request with { PinnedModel = "gbdt", RuleWeights = null });
            var full = result.Candidates.First(c => c.Kind == "gbdt").Metrics;
            var basic = baseResult.Candidates.First(c => c.Kind == "gbdt").Metrics;
            baseline = new BaselineComparison("gbdt", full.RocAuc, full.PrAuc, basic.RocAuc, basic.PrAuc);
        }
        return new GoalFit(result, plan, cutoffs, train, trainY, valid, validY, fittedRows, fittedPositives, matrix.ColumnCount, baseline)
        {
            SelectionScores = selectionScores,
            Feedback = feedback,
        };
    }

    /// <summary>Which rows feedback leaves out and how much each weighs (<see cref="TrainingFeedback"/>); nothing changes without feedback.</summary>
    private static (bool[] LeftOut, float[]? Boost, FeedbackEffect? Effect) ApplyFeedback(TrainOptions options, EventStore store, GoalDefinition goal,
        int[] entities, long[] cuts, byte[] labels)
    {
        if (options.Feedback is not { Count: > 0 } signals)
            return (new bool[entities.Length], null, null);
        var ids = goal.Entity == EntityKind.Account ? store.AccountIds : store.UserIds;
        var (leftOut, weights, effect) = new TrainingFeedback(signals, options.Time.GetUtcNow().ToUnixTimeMilliseconds()).Apply(e => ids[e], entities, cuts, labels);
        Log.Progress(options.Log, $"{goal.Name}: feedback: {effect}");
        return (leftOut, weights, effect);
    }

    /// <summary>The rows' weights times feedback's boost (null when neither applies).</summary>
    private static float[]? FeedbackWeights(float[]? weights, float[]? boost, List<int> rows)
    {
        if (boost is null)
            return weights;
        var w = new float[rows.Count];
        for (var i = 0; i < w.Length; i++)
            w[i] = (weights?[i] ?? 1f) * boost[rows[i]];
        return w;
    }

    /// <summary>A seeded fifth of the entities (a multiplicative hash of the index, so it does not follow id order).</summary>
    private static bool HeldOut(int entity, int seed) => (uint)((entity + 1) * 2654435761u ^ (uint)seed) % 5 == 0;

    /// <summary>
    /// GBDT settings for workspace histories (thousands of rows, hundreds of achievers): early stopping on the selection
    /// window, shrinkage, row subsampling and a minimum leaf hessian chosen by backtests (docs/LEARNING.md), each
    /// overridable in pql.yaml's training section.
    /// </summary>
    public static GbdtOptions WorkspaceGbdtOptions(TrainingConfig training)
    {
        ArgumentNullException.ThrowIfNull(training);
        return new GbdtOptions
        {
            EarlyStoppingRounds = training.EarlyStoppingRounds ?? 20,
            Trees = training.Trees ?? 200,
            LearningRate = training.LearningRate ?? 0.05,
            MinChildWeight = training.MinChildWeight ?? 5.0,
            Subsample = training.Subsample ?? 0.8,
            ColumnSample = training.ColumnSample ?? 0.5,
        };
    }

    /// <summary>
    /// Weight 1 / (the entity's rows among <paramref name="rows"/>), scaled to a mean of 1: an account eligible at ten
    /// weekly cutoffs counts as much as one eligible at a single cutoff, so long-lived accounts do not dominate.
    /// </summary>
    internal static float[] EntityWeights(int[] entities, List<int> rows)
    {
        var count = new Dictionary<int, int>();
        foreach (var r in rows)
            count[entities[r]] = count.GetValueOrDefault(entities[r]) + 1;
        var scale = (double)rows.Count / count.Count;
        var w = new float[rows.Count];
        for (var i = 0; i < w.Length; i++)
            w[i] = (float)(scale / count[entities[rows[i]]]);
        return w;
    }

    /// <summary>The goal's description in words, for the model card.</summary>
    public static string Describe(GoalDefinition goal)
    {
        var entity = goal.Entity == EntityKind.Account ? "account" : "user";
        var horizon = Duration.Format(goal.HorizonMs);
        return goal.Condition switch
        {
            EventCondition e when e.Where.Count > 0 => $"{entity} has a '{e.Event}' event where {string.Join(" and ", e.Where.Select(w => $"{w.Key} = {w.Value}"))} within {horizon}",
            EventCondition e => $"{entity} has a '{e.Event}' event within {horizon}",
            InactiveCondition i => $"{entity} goes {Duration.Format(i.PeriodMs)} without any event, within {horizon}",
            CountCondition c => $"{entity} reaches {(c.RequireAll ? "all" : "any")} of: {string.Join(", ", c.Terms.Select(t => $"{t.AtLeast}x '{t.Event}'"))} within {horizon}",
            AttributeCondition a => $"{entity}'s '{a.Column}' timestamp falls within {horizon}",
            LabelColumnCondition l => $"{entity}'s '{l.Column}' is '{l.Positive}' in the snapshot table",
            _ => goal.Kind,
        };
    }

    /// <summary>The labels of <paramref name="rows"/>, in their order.</summary>
    internal static byte[] Pick(byte[] labels, IReadOnlyList<int> rows)
    {
        var y = new byte[rows.Count];
        for (var i = 0; i < y.Length; i++)
            y[i] = labels[rows[i]];
        return y;
    }

    /// <summary>How many labels are 1.</summary>
    internal static int Count(byte[] y)
    {
        var n = 0;
        foreach (var v in y)
            n += v;
        return n;
    }

    /// <summary>A fingerprint of the training matrix and labels (FNV-1a over the raw bits): same data, same hash.</summary>
    internal static string DataHash(FeatureMatrix m, byte[] y)
    {
        var h = 14695981039346656037UL;
        foreach (var c in m.Columns)
        {
            foreach (var ch in c.Name)
                h = (h ^ ch) * 1099511628211UL;
            foreach (var v in c.Values)
                h = (h ^ (uint)BitConverter.SingleToInt32Bits(v)) * 1099511628211UL;
        }
        foreach (var v in y)
            h = (h ^ v) * 1099511628211UL;
        return h.ToString("x16", CultureInfo.InvariantCulture);
    }
}
