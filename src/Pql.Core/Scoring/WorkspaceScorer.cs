using System.Globalization;
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

    public Action<string>? Progress { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;
}

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
        var model = ModelArtifact.Load(artifactPath).ToModel();
        model.Threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        var store = load.Store;
        var snapshot = goal.Condition is LabelColumnCondition;
        var asOf = options.AsOfMs ?? (snapshot ? SnapshotGoalTrainer.SnapshotTime(store) : store.MaxTime);
        var (entities, cutoffs) = snapshot ? SnapshotGoalTrainer.ScoringRows(store, goal, asOf) : EligibleRows(store, goal, asOf);
        options.Progress?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{goal.Name}: scoring {entities.Length:N0} eligible {goal.Entity.ToString().ToLowerInvariant()}s"));
        var matrix = EngineFeatures.Build(config, store, FeatureConfig.Parse(config), goal.Entity, entities, cutoffs);
        var scores = model.PredictProbability(matrix);
        var drivers = Drivers(model, matrix, options.TopDrivers, model.Threads);

        var ids = goal.Entity == EntityKind.Account ? store.AccountIds : store.UserIds;
        var attributes = new IReadOnlyDictionary<string, string>[entities.Length];
        for (var i = 0; i < entities.Length; i++)
            attributes[i] = EntityAttributes.Of(store, goal.Entity, entities[i]);
        var tiers = TierPolicy.Parse(config, goal.Name).Assign(scores, attributes);

        var order = Enumerable.Range(0, entities.Length)
            .OrderByDescending(i => scores[i]).ThenBy(i => ids[entities[i]], StringComparer.Ordinal).ToArray();
        var rows = new EntityScore[order.Length];
        for (var k = 0; k < order.Length; k++)
        {
            var i = order[k];
            rows[k] = new EntityScore(ids[entities[i]], scores[i], tiers[i], drivers[i], attributes[i]);
        }
        var created = options.Time.GetUtcNow();
        var runId = string.Create(CultureInfo.InvariantCulture, $"{goal.Name}-{created:yyyyMMdd'T'HHmmssfff'Z'}");
        return new ScoreRun(runId, goal.Name, version, model.Kind, asOf, created.ToUnixTimeMilliseconds(), rows);
    }

    private static (int[] Entities, long[] Cutoffs) EligibleRows(Events.EventStore store, GoalDefinition goal, long asOf)
    {
        var entities = new GoalLabeler(store, goal).EligibleAt(asOf);
        var cutoffs = new long[entities.Length];
        Array.Fill(cutoffs, asOf);
        return (entities, cutoffs);
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
    /// Top drivers per row by absolute contribution, each in probability points (<see cref="DriverText.Points"/>), with
    /// the feature's value at the cutoff, a category's name and a sentence.
    /// </summary>
    public static IReadOnlyList<Driver>[] Drivers(ScoringModel model, FeatureMatrix matrix, int top, int threads)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(matrix);
        var names = model.FeatureNames;
        var column = new int[names.Count];
        for (var f = 0; f < names.Count; f++)
            column[f] = matrix.IndexOf(names[f]);
        var result = new IReadOnlyList<Driver>[matrix.RowCount];
        Parallel.For(0, matrix.RowCount, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, row =>
        {
            var explanation = model.Explain(matrix, row);
            var contributions = explanation.Contributions;
            var best = new List<Driver>(top);
            for (var k = 0; k < top; k++)
            {
                var pick = -1;
                var size = 0.0;
                for (var f = 0; f < contributions.Length; f++)
                {
                    var a = Math.Abs(contributions[f]);
                    if (a > size && !best.Exists(d => d.Feature == names[f]))
                    {
                        size = a;
                        pick = f;
                    }
                }
                if (pick < 0)
                    break;
                var source = column[pick] >= 0 ? matrix.Columns[column[pick]] : null;
                var value = source is not null ? source.Values[row] : float.NaN;
                var level = source is not null ? DriverText.LevelName(source, value) : null;
                var points = DriverText.Points(model, explanation.Margin, contributions[pick]);
                best.Add(new Driver(names[pick], value, points)
                {
                    ValueName = level,
                    Text = DriverText.Sentence(source, names[pick], value, level, points),
                });
            }
            result[row] = best;
        });
        return result;
    }
}
