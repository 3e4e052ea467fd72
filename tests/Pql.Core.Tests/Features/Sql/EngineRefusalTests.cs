using Pql.Core.Events;
using Pql.Core.Features;
using Pql.Core.Features.Sql;
using Pql.Core.Ingest;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Features.Sql;

/// <summary>
/// The one thing an engine may refuse: a feature it truly cannot compute (ClickHouse 18.16 has no JSONExtract, so a property without a
/// column of its name). The refusal is one line naming the features and why, before any query runs; every other family is computed.
/// </summary>
public sealed class EngineRefusalTests : IDisposable
{
    private readonly ParityWorld _world = new();

    public void Dispose() => _world.Dispose();

    [Fact]
    public void Without_a_column_for_the_integration_property_only_those_features_are_refused_in_one_line()
    {
        var config = ConfigLoader.Load(_world.Directory);
        var features = FeatureConfig.Parse(config);
        var store = WorkspaceLoader.Load(config, new LoadOptions { PropertyKeys = features.PropertyKeysNeeded, Snapshot = false, WriteRejects = false }).Store;
        var engine = new FeatureEngine(store, features, config);
        using var source = new NoPropertySource(store);

        var e = Assert.Throws<PqlInputException>(() =>
            FeatureSqlBuilder.Build(source, engine.Catalogue, store, EntityKind.Account, [store.AccountIds[0]], [0], [ParityWorld.Cutoffs[0]], refuseUnsupported: "clickhouse"));

        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith("engine clickhouse cannot compute ", e.Message);
        Assert.Contains("integration.distinct_integrations", e.Message);
        Assert.Contains("the events here have no column for the property 'integration'", e.Message);
        Assert.EndsWith("Use engine: memory (or duckdb) for this workspace", e.Message);
        Assert.False(source.Queried, "the refusal comes before any query");

        // Every other definition has a SQL form: only the property's features are refused.
        var plan = new SqlFeaturePlan(engine.Catalogue, EntityKind.Account, store, source.EventNames(), source.Dialect, null);
        Assert.All(plan.Unsupported, u => Assert.Equal(FeatureFamilies.Integration, u.Definition.Family));
        Assert.Equal(4, plan.Unsupported.Select(u => u.Definition.Aggregation).Distinct().Count());
    }

    /// <summary>A backend whose events carry no property column; any query is recorded.</summary>
    private sealed class NoPropertySource(EventStore store) : ISqlFeatureSource
    {
        public bool Queried { get; private set; }

        public SqlDialect Dialect { get; } = SqlDialect.ClickHouse("account_id");

        public IReadOnlyList<string> EventNames() => store.EventNames.Values;

        public string? PropertyColumn(string key) => null;

        public string EventsRelation(EntityKind entity, string? propertyKey) => "events";

        public void LoadRows(IReadOnlyList<string> entityIds, ReadOnlySpan<long> cutoffs) => Queried = true;

        public IEnumerable<SqlResultRow> Read(string sql, int measures, bool keyed = false)
        {
            Queried = true;
            return [];
        }

        public void Dispose()
        {
        }
    }
}
