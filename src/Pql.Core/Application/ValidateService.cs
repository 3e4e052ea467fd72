using System.Globalization;
using Pql.Core.Events;
using Pql.Core.Features;
using Pql.Core.Ingest;
using Pql.Core.Labels;
using Pql.Core.Scoring;
using Pql.Core.Workspace;

namespace Pql.Core.Application;

public sealed record ValidateRequest(string Workspace) : UseCaseRequest(Workspace);

/// <summary>
/// Every config error (the data is not loaded while there are any), or the data-quality report of the loaded workspace with the
/// warnings that matter before training.
/// </summary>
public sealed record ValidateResult(IReadOnlyList<ConfigException> Errors, DataQualityReport? Quality, IReadOnlyList<LeakageWarning> Leakage, IReadOnlyList<string> Warnings)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary><c>pql validate</c>: check pql.yaml as a whole, then load the data and report its quality.</summary>
public static class ValidateService
{
    /// <summary>A selection (validation) window with fewer achievers than this makes the model choice noise.</summary>
    public const int MinSelectionAchievers = 30;

    public static Task<ValidateResult> ValidateAsync(ValidateRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var check = ConfigService.Check(request.Workspace);
        if (check.Config is not { } config)
            return Task.FromResult(new ValidateResult(check.Errors, null, [], []));
        var workspace = config.Workspace;
        var load = WorkspaceLoader.Load(workspace, new LoadOptions
        {
            // The same property keys as train and score, so the load snapshot one command keeps serves the others.
            PropertyKeys = config.Features.PropertyKeysNeeded,
            Log = request.Log,
        });
        cancellationToken.ThrowIfCancellationRequested();
        // Rule weights name features, which exist only for the loaded data's events and products.
        var ruleErrors = new List<ConfigException>();
        SectionChecks.Rules(ruleErrors, workspace, FeatureNames(config, load));
        if (ruleErrors.Count > 0)
            return Task.FromResult(new ValidateResult(ruleErrors, null, [], []));
        var warnings = new List<string>();
        warnings.AddRange(GoalWarnings(workspace, load.Store));
        if (EventsBeforeCreation(load.Store) is { } early)
            warnings.Add(early);

        return Task.FromResult(new ValidateResult([], DataQuality.Analyze(workspace, load), Leakage(config, load), warnings));
    }

    /// <summary>Attributes that leak event goals' outcomes, and (the trainer's own check, on its training rows) features that leak label_column goals'.</summary>
    private static List<LeakageWarning> Leakage(PqlConfig config, LoadResult load)
    {
        var found = new List<LeakageWarning>(LeakageCheck.Find(config.Workspace, load.Store));
        foreach (var goal in config.Workspace.Goals.Where(g => g.Condition is LabelColumnCondition))
            found.AddRange(SnapshotGoalTrainer.FindLeakage(config.Workspace, load, goal, config.Features));
        return found;
    }

    /// <summary>The feature names of each entity kind (the columns training would build), computed once per kind.</summary>
    private static Func<GoalDefinition, IReadOnlyCollection<string>> FeatureNames(PqlConfig config, LoadResult load)
    {
        var byEntity = new Dictionary<EntityKind, IReadOnlyCollection<string>>();
        return goal =>
        {
            if (!byEntity.TryGetValue(goal.Entity, out var names))
            {
                var empty = new FeatureEngine(load.Store, config.Features, config.Workspace).Build(goal.Entity, [], []);
                byEntity[goal.Entity] = names = new HashSet<string>(empty.Columns.Select(c => c.Name), StringComparer.Ordinal);
            }
            return names;
        };
    }

    private static IEnumerable<string> GoalWarnings(WorkspaceConfig config, EventStore store)
    {
        foreach (var goal in config.Goals)
        {
            var events = goal.Condition switch
            {
                EventCondition e => [e.Event],
                CountCondition c => c.Terms.Select(t => t.Event).ToArray(),
                _ => Array.Empty<string>(),
            };
            var missing = events.Where(e => store.EventNames.Find(e) < 0).ToList();
            if (missing.Count > 0)
            {
                yield return $"{Path.GetFileName(config.ConfigPath)}:{goal.Line} goal '{goal.Name}': event '{string.Join("', '", missing)}' never occurs in the data; the goal cannot be trained";
                continue;
            }
            var cutoff = store.MaxTime - goal.HorizonMs;
            if (store.EventCount == 0 || cutoff <= store.MinTime)
                continue;
            var (_, _, labels) = new GoalLabeler(store, goal).Rows([cutoff]);
            var achievers = 0;
            foreach (var y in labels)
                achievers += y;
            if (achievers < MinSelectionAchievers)
                yield return string.Create(CultureInfo.InvariantCulture,
                    $"{Path.GetFileName(config.ConfigPath)}:{goal.Line} goal '{goal.Name}': only {achievers} achievers in the selection window after {Timestamps.Format(cutoff)} (fewer than {MinSelectionAchievers}); its held-out metrics and model choice will be noisy");
        }
    }

    /// <summary>Events timestamped before their account was created: a wrong created_at or a timezone slip.</summary>
    private static string? EventsBeforeCreation(EventStore store)
    {
        long early = 0;
        var example = -1;
        var created = store.AccountCreatedAt;
        for (var i = 0; i < store.EventCount; i++)
        {
            var a = store.EventAccount[i];
            if (a < 0 || created[a] == AttributeColumn.MissingTime || created[a] == long.MaxValue || store.EventTime[i] >= created[a])
                continue;
            early++;
            example = example < 0 ? a : example;
        }
        return early == 0 ? null : string.Create(CultureInfo.InvariantCulture,
            $"{early:N0} event(s) are earlier than their account's created_at (e.g. account '{store.AccountIds[example]}' created {Timestamps.Format(created[example])}); check created_at and the timestamps' time zone");
    }
}
