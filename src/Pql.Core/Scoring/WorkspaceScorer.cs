using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pql.Core.Events;
using Pql.Core.Features;
using Pql.Core.Features.Sql;
using Pql.Core.Ingest;
using Pql.Core.Labels;
using Pql.Core.Learning;
using Pql.Core.Learning.Artifacts;
using Pql.Core.Workspace;

namespace Pql.Core.Scoring;

/// <summary>Options of <see cref="WorkspaceScorer.Score"/>.</summary>
public sealed record ScoreOptions
{
    /// <summary>Point in time to score at; default the latest event.</summary>
    public long? AsOfMs { get; init; }

    /// <summary>Worker threads (0 = all processors).</summary>
    public int Threads { get; init; }

    /// <summary>Drivers kept per entity (largest absolute contribution first). Default 3.</summary>
    public int TopDrivers { get; init; } = 3;

    /// <summary>The model artifact to score with: the goal's current model from the registry (Application/ScoreService) or one given.</summary>
    public string? ModelPath { get; init; }

    /// <summary>
    /// The model of <see cref="ModelPath"/> already loaded (pql serve loads each version once instead of parsing the artifact on
    /// every rescoring pass); null loads it from the path. Its <see cref="ScoringModel.Threads"/> is set from <see cref="Threads"/>.
    /// </summary>
    public ScoringModel? Model { get; init; }

    /// <summary>
    /// Only these entity ids (those of them eligible) get rows: pql serve rescoring what new events touched. Percentile tiers still
    /// rank within every eligible entity, so with them the others are scored too and left out of the run.
    /// </summary>
    public IReadOnlySet<string>? Entities { get; init; }

    /// <summary>
    /// When set, rows are first made without drivers and only the entity ids this returns for them are explained (TreeSHAP is the
    /// costly part of scoring): pql serve explains the entities whose triggers fire. Unset, every row gets its drivers.
    /// </summary>
    public Func<IReadOnlyList<EntityScore>, IReadOnlySet<string>>? ExplainOnly { get; init; }

    /// <summary>Where progress goes, as <c>Progress</c> log events; none by default.</summary>
    public ILogger Log { get; init; } = NullLogger.Instance;

    public TimeProvider Time { get; init; } = TimeProvider.System;
}

/// <summary>The entities scoring at <see cref="AsOfMs"/> covers, with their feature rows (one per entity) and attributes.</summary>
public sealed record ScoringPopulation(long AsOfMs, int[] Entities, FeatureMatrix Matrix, IReadOnlyDictionary<string, string>[] Attributes);

/// <summary>
/// Scores one goal at as-of: every eligible entity gets a calibrated probability, its top drivers (exact TreeSHAP
/// for GBDT, centred coefficients for logistic, weights for rules) and its tier. Scoring with a saved artifact is
/// deterministic: the same data and artifact give the same bits.
/// </summary>
public static class WorkspaceScorer
{
    public static ScoreRun Score(WorkspaceConfig config, LoadResult load, GoalDefinition goal, ScoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(load);
        ArgumentNullException.ThrowIfNull(goal);
        ArgumentNullException.ThrowIfNull(options);
        var (artifactPath, version) = ResolveModel(goal, options);
        var model = options.Model ?? ModelArtifact.Load(artifactPath).ToModel();
        model.Threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        var store = load.Store;
        var ids = goal.Entity == EntityKind.Account ? store.AccountIds : store.UserIds;
        var policy = TierPolicy.Parse(config, goal.Name);
        // Fixed thresholds let the live rescorer score only the touched entities; percentile tiers need everyone.
        var only = options.Entities is { } o && !policy.RanksWithinRows ? o : null;
        var (asOf, entities, matrix, attributes) = Population(config, load, goal, options.AsOfMs, options.Log, only);
        var scores = model.PredictProbability(matrix);

        var tiers = policy.Assign(scores, attributes);

        var order = Enumerable.Range(0, entities.Length).Where(i => options.Entities?.Contains(ids[entities[i]]) ?? true)
            .OrderByDescending(i => scores[i]).ThenBy(i => ids[entities[i]], StringComparer.Ordinal).ToArray();
        var rows = new EntityScore[order.Length];
        for (var k = 0; k < order.Length; k++)
        {
            var i = order[k];
            rows[k] = new EntityScore(ids[entities[i]], scores[i], tiers[i], [], attributes[i]);
        }
        var explain = order;
        if (options.ExplainOnly is { } pick)
        {
            var chosen = pick(rows);
            explain = [.. order.Where(i => chosen.Contains(ids[entities[i]]))];
        }
        var drivers = Drivers(model, matrix, options.TopDrivers, model.Threads, explain);
        for (var k = 0; k < order.Length; k++)
        {
            if (drivers[order[k]] is { } d)
                rows[k] = rows[k] with { Drivers = d };
        }
        var created = options.Time.GetUtcNow();
        var runId = string.Create(CultureInfo.InvariantCulture, $"{goal.Name}-{created:yyyyMMdd'T'HHmmssfff'Z'}");
        return new ScoreRun(runId, goal.Name, version, model.Kind, asOf, created.ToUnixTimeMilliseconds(), rows);
    }

    /// <summary>
    /// What scoring at <paramref name="asOfMs"/> scores: the eligible entities (every row of a snapshot goal), their features at
    /// as-of and their attributes. Training compares versions and records the drift reference on it; drift measures it again later.
    /// </summary>
    public static ScoringPopulation Population(WorkspaceConfig config, LoadResult load, GoalDefinition goal, long? asOfMs, ILogger? log = null,
        IReadOnlySet<string>? only = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(load);
        ArgumentNullException.ThrowIfNull(goal);
        var store = load.Store;
        var snapshot = goal.Condition is LabelColumnCondition;
        var asOf = asOfMs ?? (snapshot ? SnapshotGoalTrainer.SnapshotTime(store) : store.MaxTime);
        var (entities, cutoffs) = snapshot ? SnapshotGoalTrainer.ScoringRows(store, goal, asOf) : EligibleRows(store, goal, asOf);
        if (only is not null)
            (entities, cutoffs) = Only(entities, cutoffs, goal.Entity == EntityKind.Account ? store.AccountIds : store.UserIds, only);
        Log.Progress(log ?? NullLogger.Instance, string.Create(CultureInfo.InvariantCulture, $"{goal.Name}: scoring {entities.Length:N0} eligible {goal.Entity.ToString().ToLowerInvariant()}s"));
        var matrix = EngineFeatures.Build(config, store, FeatureConfig.Parse(config), goal.Entity, entities, cutoffs);
        var attributes = new IReadOnlyDictionary<string, string>[entities.Length];
        for (var i = 0; i < entities.Length; i++)
            attributes[i] = EntityAttributes.Of(store, goal.Entity, entities[i]);
        return new ScoringPopulation(asOf, entities, matrix, attributes);
    }

    private static (int[] Entities, long[] Cutoffs) EligibleRows(Events.EventStore store, GoalDefinition goal, long asOf)
    {
        var entities = new GoalLabeler(store, goal).EligibleAt(asOf);
        var cutoffs = new long[entities.Length];
        Array.Fill(cutoffs, asOf);
        return (entities, cutoffs);
    }

    private static (int[] Entities, long[] Cutoffs) Only(int[] entities, long[] cutoffs, StringPool ids, IReadOnlySet<string> only)
    {
        var keep = new List<int>(Math.Min(entities.Length, only.Count));
        for (var i = 0; i < entities.Length; i++)
        {
            if (only.Contains(ids[entities[i]]))
                keep.Add(i);
        }
        return ([.. keep.Select(i => entities[i])], [.. keep.Select(i => cutoffs[i])]);
    }

    private static (string Path, string Version) ResolveModel(GoalDefinition goal, ScoreOptions options)
    {
        if (options.ModelPath is not { } path)
            throw new PqlInputException($"goal '{goal.Name}' has no trained model yet; run: pql train --workspace DIR --goal {goal.Name}");
        if (!File.Exists(path))
            throw new PqlInputException($"{path}: model artifact not found");
        return (path, Path.GetFileNameWithoutExtension(path));
    }

    /// <summary>
    /// Top drivers per row by absolute probability points (<see cref="ProbabilityPoints"/>: they add up to score − base score),
    /// correlated inputs merged under their group's leader, with the leader's value at the cutoff, a category's name and a sentence.
    /// </summary>
    public static IReadOnlyList<Driver>[] Drivers(ScoringModel model, FeatureMatrix matrix, int top, int threads)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        return Drivers(model, matrix, top, threads, [.. Enumerable.Range(0, matrix.RowCount)])!;
    }

    /// <summary>Drivers of the given rows only; the other entries stay null.</summary>
    public static IReadOnlyList<Driver>?[] Drivers(ScoringModel model, FeatureMatrix matrix, int top, int threads, int[] rows)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(rows);
        var names = model.FeatureNames;
        var column = new int[names.Count];
        for (var f = 0; f < names.Count; f++)
            column[f] = matrix.IndexOf(names[f]);
        var leaders = ProbabilityPoints.Leaders(model);
        var result = new IReadOnlyList<Driver>?[matrix.RowCount];
        Parallel.For(0, rows.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, r =>
        {
            var row = rows[r];
            var explanation = model.Explain(matrix, row);
            var merged = ProbabilityPoints.Merge(explanation.Contributions, leaders);
            var points = ProbabilityPoints.Split(model, explanation.BaseValue, explanation.Margin, merged);
            result[row] = TopDrivers(matrix, row, names, column, points, top);
        });
        return result;
    }

    private static List<Driver> TopDrivers(FeatureMatrix matrix, int row, IReadOnlyList<string> names, int[] column, double[] points, int top)
    {
        var best = new List<Driver>(top);
        var used = new bool[points.Length];
        for (var k = 0; k < top; k++)
        {
            var pick = -1;
            var size = 0.0;
            for (var f = 0; f < points.Length; f++)
            {
                var a = Math.Abs(points[f]);
                if (a > size && !used[f])
                {
                    size = a;
                    pick = f;
                }
            }
            if (pick < 0)
                break;
            used[pick] = true;
            var source = column[pick] >= 0 ? matrix.Columns[column[pick]] : null;
            var value = source is not null ? source.Values[row] : float.NaN;
            var level = source is not null ? DriverText.LevelName(source, value) : null;
            best.Add(new Driver(names[pick], value, points[pick])
            {
                ValueName = level,
                Text = DriverText.Sentence(source, names[pick], value, level, points[pick]),
            });
        }
        return best;
    }
}
