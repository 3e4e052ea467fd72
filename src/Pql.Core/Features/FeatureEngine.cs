using System.Collections.Concurrent;
using Pql.Core.Events;
using Pql.Core.Workspace;

namespace Pql.Core.Features;

/// <summary>
/// Builds point-in-time feature matrices from an <see cref="EventStore"/>: one row per (entity, cutoff), each
/// computed only from events with time &lt;= cutoff. Columns follow the <see cref="FeatureCatalogue"/> order,
/// which depends only on the store's dictionaries and the config, so matrices built for training and for
/// scoring line up by name and position. Rows are computed in parallel; each row is independent, so the
/// result is the same for any thread count.
/// </summary>
public sealed class FeatureEngine
{
    private readonly EventStore _store;
    private readonly Lock _planLock = new();
    private FeaturePlan? _accountPlan;
    private FeaturePlan? _userPlan;

    public FeatureCatalogue Catalogue { get; }

    /// <summary>Threads used by <see cref="Build"/>; default -1 = all cores.</summary>
    public int MaxDegreeOfParallelism { get; init; } = -1;

    /// <summary>All families.</summary>
    public FeatureEngine(EventStore store, FeatureConfig config, WorkspaceConfig? workspace)
        : this(store, config, workspace, FeatureFamilies.All)
    {
    }

    /// <summary>Only the given families (e.g. <see cref="FeatureFamilies.Activity"/> for an activity-only baseline).</summary>
    public FeatureEngine(EventStore store, FeatureConfig config, WorkspaceConfig? workspace, FeatureFamilies families)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        Catalogue = new FeatureCatalogue(store, config, workspace, families);
    }

    /// <summary>Only the given families, the catalogue's shape from <paramref name="counts"/> (events counted where they live, not in the store).</summary>
    public FeatureEngine(EventStore store, FeatureConfig config, WorkspaceConfig? workspace, FeatureFamilies families, EventCounts counts)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        Catalogue = new FeatureCatalogue(store, config, workspace, families, counts);
    }

    public IReadOnlyList<FeatureDefinition> Definitions(EntityKind entity) => Catalogue.For(entity);

    /// <summary>
    /// One row per (entities[i], cutoffs[i]) in that order; entity codes are account codes or user codes of the
    /// store per <paramref name="entity"/>; cutoffs are Unix milliseconds.
    /// </summary>
    public FeatureMatrix Build(EntityKind entity, ReadOnlySpan<int> entities, ReadOnlySpan<long> cutoffs)
    {
        if (entities.Length != cutoffs.Length)
            throw new ArgumentException($"{entities.Length} entities but {cutoffs.Length} cutoffs", nameof(cutoffs));
        var limit = entity == EntityKind.Account ? _store.AccountCount : _store.UserCount;
        foreach (var e in entities)
        {
            if ((uint)e >= (uint)limit)
                throw new ArgumentOutOfRangeException(nameof(entities), e, $"not a {entity.ToString().ToLowerInvariant()} code of the store (0..{limit - 1})");
        }
        var plan = Plan(entity);
        var rows = entities.Length;
        var ids = entities.ToArray();
        var times = cutoffs.ToArray();
        var values = new float[plan.Columns.Length][];
        for (var c = 0; c < values.Length; c++)
            values[c] = new float[rows];

        if (rows > 0)
        {
            var chunk = Math.Clamp(rows / (Environment.ProcessorCount * 16), 16, 4096);
            var options = new ParallelOptions { MaxDegreeOfParallelism = MaxDegreeOfParallelism };
            Parallel.ForEach(Partitioner.Create(0, rows, chunk), options, () => new RowSketch(plan), (range, _, sketch) =>
            {
                for (var i = range.Item1; i < range.Item2; i++)
                    sketch.Evaluate(ids[i], times[i], values, i);
                return sketch;
            }, _ => { });
        }

        var columns = new FeatureColumn[values.Length];
        for (var c = 0; c < columns.Length; c++)
        {
            var d = plan.Definitions[c];
            columns[c] = new FeatureColumn
            {
                Name = d.Name,
                Family = d.FamilyName,
                Kind = d.Kind,
                Levels = d.Levels,
                Values = values[c],
                Description = d.Description,
            };
        }
        return new FeatureMatrix { RowCount = rows, Columns = columns, RowEntity = ids, RowCutoff = times };
    }

    private FeaturePlan Plan(EntityKind entity)
    {
        lock (_planLock)
        {
            return entity == EntityKind.Account
                ? _accountPlan ??= new FeaturePlan(_store, Catalogue, EntityKind.Account)
                : _userPlan ??= new FeaturePlan(_store, Catalogue, EntityKind.User);
        }
    }
}
