using System.Globalization;
using Pql.Core.Events;
using Pql.Core.Features;
using Pql.Core.Ingest;
using Pql.Core.Labels;
using Pql.Core.Learning;
using Pql.Core.Learning.Artifacts;
using Pql.Core.Workspace;

namespace Pql.Core.Scoring;

/// <summary>
/// Trains a <c>label_column</c> goal: a snapshot table (accounts or users) whose outcome column is the label.
/// With a date column, the latest fifth of rows by date validates; without one the table has no time, so a seeded
/// stratified fifth of the rows validates and the model card says so. The same feature engine, learners,
/// calibration, artifact and registry as event goals; features a single column separates the outcome with
/// suspiciously well are reported as likely leakage.
/// </summary>
public static class SnapshotGoalTrainer
{
    /// <summary>Share of rows held out for validation.</summary>
    public const double ValidationShare = 0.2;

    public static GoalTrainingReport Train(WorkspaceConfig config, LoadResult load, GoalDefinition goal, TrainOptions options)
    {
        var store = load.Store;
        var rows = SnapshotLabels.Read(store, goal);
        var positives = rows.Positives;
        if (positives < 2 || positives > rows.Labels.Length - 2)
            throw new PqlInputException(string.Create(CultureInfo.InvariantCulture,
                $"goal '{goal.Name}': {positives:N0} of {rows.Labels.Length:N0} rows are positive; a model needs at least two achievers and two non-achievers"));
        var cutoffs = Cutoffs(store, rows, options.AsOfMs);
        var (trainRows, validRows, split) = rows.Dates is { } dates
            ? TimeSplit(dates)
            : StratifiedSplit(rows.Labels, config.Training.Seed);

        Log.Progress(options.Log, string.Create(CultureInfo.InvariantCulture, $"{goal.Name}: features for {rows.Entities.Length:N0} rows"));
        var matrix = new FeatureEngine(store, FeatureConfig.Parse(config), config).Build(goal.Entity, rows.Entities, cutoffs);
        var train = matrix.SelectRows(trainRows);
        var valid = matrix.SelectRows(validRows);
        var trainY = GoalTrainer.Pick(rows.Labels, trainRows);
        var validY = GoalTrainer.Pick(rows.Labels, validRows);
        var warnings = LeakageWarnings(goal, train, trainY).Select(Describe).ToList();
        foreach (var w in warnings)
            Log.Progress(options.Log, $"{goal.Name}: warning: {w}");

        Log.Progress(options.Log, $"{goal.Name}: training on {train.RowCount:N0} rows, validating on {valid.RowCount:N0} ({split})");
        var request = new TrainingRequest
        {
            Seed = config.Training.Seed,
            Threads = options.Threads,
            PinnedModel = config.Training.Model,
            RuleWeights = RuleWeights.Parse(config, goal.Name, [.. matrix.Columns.Select(c => c.Name)]),
            GbdtOptions = new GbdtOptions { EarlyStoppingRounds = 20 },
        };
        var result = ModelTrainer.Train(train, trainY, valid, validY, request);

        var created = options.Time.GetUtcNow();
        var dataHash = GoalTrainer.DataHash(train, trainY);
        var version = string.Create(CultureInfo.InvariantCulture, $"{created:yyyyMMdd'T'HHmmss'Z'}-{dataHash[..8]}");
        var artifact = ModelArtifact.Create(result, valid);
        var (trainPos, validPos) = (GoalTrainer.Count(trainY), GoalTrainer.Count(validY));
        var meta = artifact.Metadata;
        meta["goal"] = goal.Name;
        meta["goal_kind"] = goal.Kind;
        meta["goal_definition"] = GoalTrainer.Describe(goal);
        meta["entity"] = goal.Entity.ToString().ToLowerInvariant();
        meta["horizon"] = "none: the outcome is a column of a snapshot table";
        meta["version"] = version;
        meta["created"] = Timestamps.Format(created.ToUnixTimeMilliseconds());
        meta["split"] = split;
        meta["train_rows"] = train.RowCount.ToString(CultureInfo.InvariantCulture);
        meta["validation_rows"] = valid.RowCount.ToString(CultureInfo.InvariantCulture);
        meta["rows_without_outcome"] = rows.MissingOutcome.ToString(CultureInfo.InvariantCulture);
        meta["base_rate"] = string.Create(CultureInfo.InvariantCulture,
            $"{(double)trainPos / trainY.Length:0.####} in training, {(double)validPos / validY.Length:0.####} in validation");
        meta["data_hash"] = dataHash;
        meta["rows_rejected"] = load.Report.Rejected.ToString(CultureInfo.InvariantCulture);
        if (warnings.Count > 0)
            meta["leakage_warnings"] = string.Join("\n", warnings);

        var (artifactPath, cardPath, metrics) = GoalTrainer.SaveArtifact(config, goal, version, artifact, result);
        return new GoalTrainingReport(goal.Name, version, artifactPath, cardPath, result, [], train.RowCount, trainPos,
            valid.RowCount, validPos, matrix.ColumnCount, null, split, warnings)
        {
            MetricsJson = metrics,
            CreatedMs = created.ToUnixTimeMilliseconds(),
            AsOfMs = options.AsOfMs,
            Selection = new SelectionWindow(valid.RowEntity, valid.RowCutoff, validY, result.Best.PredictProbability(valid)),
        };
    }

    /// <summary>What <c>score</c> scores for a label_column goal: every row with an outcome column value or not, each at its date (or as-of).</summary>
    public static (int[] Entities, long[] Cutoffs) ScoringRows(EventStore store, GoalDefinition goal, long? asOfMs)
    {
        var count = goal.Entity == EntityKind.Account ? store.AccountCount : store.UserCount;
        var entities = new int[count];
        var cutoffs = new long[count];
        var time = asOfMs ?? SnapshotTime(store);
        var condition = (LabelColumnCondition)goal.Condition;
        var dates = condition.DateColumn is { } d
            ? (goal.Entity == EntityKind.Account ? store.AccountAttribute(d) : store.UserAttribute(d))
            : null;
        for (var e = 0; e < count; e++)
        {
            entities[e] = e;
            cutoffs[e] = dates is { Kind: AttributeKind.Timestamp } && dates.Times[e] != AttributeColumn.MissingTime ? dates.Times[e] : time;
        }
        return (entities, cutoffs);
    }

    /// <summary>The time a snapshot is taken at: the last event, or the latest creation time when there are no events.</summary>
    public static long SnapshotTime(EventStore store)
    {
        if (store.EventCount > 0)
            return store.MaxTime;
        var latest = 0L;
        foreach (var t in store.AccountCreatedAt)
        {
            if (t != EventStoreBuilder.CreatedAtFirstEvent && t > latest)
                latest = t;
        }
        return latest;
    }

    private static long[] Cutoffs(EventStore store, SnapshotLabels rows, long? asOfMs)
    {
        if (rows.Dates is { } dates)
            return dates;
        var cutoffs = new long[rows.Entities.Length];
        Array.Fill(cutoffs, asOfMs ?? SnapshotTime(store));
        return cutoffs;
    }

    /// <summary>The latest fifth of rows by date validates; rows on the boundary date all go to validation.</summary>
    private static (int[] Train, int[] Valid, string Split) TimeSplit(long[] dates)
    {
        var sorted = (long[])dates.Clone();
        Array.Sort(sorted);
        var boundary = sorted[(int)(sorted.Length * (1 - ValidationShare))];
        var train = new List<int>();
        var valid = new List<int>();
        for (var i = 0; i < dates.Length; i++)
            (dates[i] >= boundary ? valid : train).Add(i);
        return ([.. train], [.. valid], $"time split on the date column: rows dated before {Timestamps.Format(boundary)} train, the {valid.Count:N0} rows dated then or later validate");
    }

    /// <summary>A seeded shuffle of achievers and of non-achievers, each split 80/20, so both sides keep the base rate.</summary>
    private static (int[] Train, int[] Valid, string Split) StratifiedSplit(byte[] labels, int seed)
    {
        var random = new Random(seed);
        var train = new List<int>();
        var valid = new List<int>();
        for (byte label = 0; label <= 1; label++)
        {
            var group = new List<int>();
            for (var i = 0; i < labels.Length; i++)
            {
                if (labels[i] == label)
                    group.Add(i);
            }
            var shuffled = group.ToArray();
            random.Shuffle(shuffled);
            var holdOut = (int)Math.Round(shuffled.Length * ValidationShare);
            valid.AddRange(shuffled[..holdOut]);
            train.AddRange(shuffled[holdOut..]);
        }
        train.Sort();
        valid.Sort();
        return ([.. train], [.. valid], string.Create(CultureInfo.InvariantCulture,
            $"seeded stratified random split (seed {seed}, {ValidationShare:P0} of achievers and of non-achievers validate): the table has no time, so validation rows come from the same period as training and the metrics say nothing about drift"));
    }

    /// <summary>
    /// The leakage check training runs, on the same training rows, without training: what <c>pql validate</c> reports for a
    /// label_column goal. None when the goal has too few achievers or non-achievers to train (training reports that).
    /// </summary>
    public static IReadOnlyList<LeakageWarning> FindLeakage(WorkspaceConfig config, LoadResult load, GoalDefinition goal, FeatureConfig features)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(load);
        ArgumentNullException.ThrowIfNull(goal);
        var store = load.Store;
        var rows = SnapshotLabels.Read(store, goal);
        if (rows.Positives < 2 || rows.Positives > rows.Labels.Length - 2)
            return [];
        var trainRows = rows.Dates is { } dates ? TimeSplit(dates).Train : StratifiedSplit(rows.Labels, config.Training.Seed).Train;
        var matrix = new FeatureEngine(store, features, config).Build(goal.Entity, rows.Entities, Cutoffs(store, rows, null));
        return LeakageWarnings(goal, matrix.SelectRows(trainRows), GoalTrainer.Pick(rows.Labels, trainRows));
    }

    private static string Describe(LeakageWarning w) => string.Create(CultureInfo.InvariantCulture,
        $"'{w.Attribute}' alone separates the outcome suspiciously well (AUC {w.Auc:F2}); if it is recorded after the outcome, list its column under data.exclude_attributes");

    /// <summary>Features that on their own rank the training outcome almost perfectly (AUC at least 0.9 or at most 0.1).</summary>
    private static List<LeakageWarning> LeakageWarnings(GoalDefinition goal, FeatureMatrix train, byte[] labels)
    {
        var warnings = new List<LeakageWarning>();
        var score = new double[train.RowCount];
        foreach (var column in train.Columns)
        {
            if (column.Kind == FeatureKind.Categorical)
                LevelRates(column.Values, labels, score);
            else
            {
                for (var i = 0; i < score.Length; i++)
                    score[i] = float.IsNaN(column.Values[i]) ? double.MinValue : column.Values[i];
            }
            var auc = LeakageCheck.Auc(score, labels);
            if (Math.Abs(auc - 0.5) >= LeakageCheck.LeakageAucDistance)
                warnings.Add(new LeakageWarning(goal.Name, column.Name, auc));
        }
        return warnings;
    }

    /// <summary>Each row's score is its category's achiever rate (missing is a category of its own).</summary>
    private static void LevelRates(float[] codes, byte[] labels, double[] score)
    {
        var hits = new Dictionary<float, (double Hits, double Rows)>();
        for (var i = 0; i < codes.Length; i++)
        {
            var key = float.IsNaN(codes[i]) ? -1f : codes[i];
            var (h, n) = hits.GetValueOrDefault(key);
            hits[key] = (h + labels[i], n + 1);
        }
        for (var i = 0; i < codes.Length; i++)
        {
            var (h, n) = hits[float.IsNaN(codes[i]) ? -1f : codes[i]];
            score[i] = h / n;
        }
    }
}
