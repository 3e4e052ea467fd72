using Pql.Core.Events;
using Pql.Core.Workspace;

namespace Pql.Core.Features.Sql;

/// <summary>
/// The feature matrix on the engine pql.yaml names (<c>engine:</c>): in memory, or pushed down to DuckDB over the spool of the loaded
/// events (<see cref="EventSpool"/>), PostgreSQL or ClickHouse. The pushed-down matrix has the in-memory one's columns in the same order with equal values (the parity
/// tests hold them so); a feature the engine cannot compute is refused with a line naming it, never left out or approximated.
/// </summary>
public static class EngineFeatures
{
    /// <summary>
    /// One row per (entities[i], cutoffs[i]), codes of <paramref name="store"/> (whose accounts and users tables the engines share). With
    /// <paramref name="countEventsOnEngine"/> the catalogue's shape comes from events counted on the engine (<see cref="EventCounts"/>), so
    /// <paramref name="store"/> may hold only accounts and users (the events never loaded into memory); it must not be the memory engine.
    /// </summary>
    public static FeatureMatrix Build(WorkspaceConfig config, EventStore store, FeatureConfig features, EntityKind entity, int[] entities, long[] cutoffs,
        FeatureFamilies families = FeatureFamilies.All, bool countEventsOnEngine = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(store);
        if (config.Engine.Kind == EngineKind.Memory)
        {
            if (countEventsOnEngine)
                throw new ArgumentException("the memory engine counts the events of its store", nameof(countEventsOnEngine));
            return new FeatureEngine(store, features, config, families).Build(entity, entities, cutoffs);
        }
        // A store without events (counted on the engine) has nothing to spool: DuckDB then reads the workspace files as they are.
        using var source = Open(config, countEventsOnEngine ? null : store, entity);
        var engine = countEventsOnEngine
            ? new FeatureEngine(store, features, config, families, EngineEventCounts.Read(source, features))
            : new FeatureEngine(store, features, config, families);
        var ids = entity == EntityKind.Account ? store.AccountIds : store.UserIds;
        var names = new string[entities.Length];
        for (var i = 0; i < names.Length; i++)
            names[i] = ids[entities[i]];
        return FeatureSqlBuilder.Build(source, engine.Catalogue, store, entity, names, entities, cutoffs, refuseUnsupported: Name(config.Engine.Kind)).Matrix;
    }

    public static string Name(EngineKind kind) => kind switch
    {
        EngineKind.DuckDb => "duckdb",
        EngineKind.Postgres => "postgres",
        EngineKind.ClickHouse => "clickhouse",
        _ => "memory",
    };

    /// <summary>The connection string of a server engine, from the environment variable the config names.</summary>
    public static string ConnectionString(WorkspaceConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var env = config.Engine.ConnectionEnv;
        var value = env is null ? null : Environment.GetEnvironmentVariable(env);
        return string.IsNullOrWhiteSpace(value)
            ? throw new PqlInputException($"{Path.GetFileName(config.ConfigPath)}: engine {Name(config.Engine.Kind)}: the environment variable '{env}' (engine.connection_env) is not set")
            : value;
    }

    /// <summary>The engine's source; DuckDB computes on the spool of <paramref name="spoolFrom"/>'s events, or on the raw files without one.</summary>
    internal static ISqlFeatureSource Open(WorkspaceConfig config, EventStore? spoolFrom, EntityKind entity) => config.Engine.Kind switch
    {
        EngineKind.DuckDb => new DuckDbFeatureSource(config, config.Engine.MemoryBudgetBytes, spoolFrom is null ? null : EventSpool.Ensure(config, spoolFrom)),
        EngineKind.Postgres => new PostgresFeatureSource(ConnectionString(config), config.Engine.EventsTable, config.Engine.UsersTable, config.ProductOfEvent),
        EngineKind.ClickHouse => new ClickHouseFeatureSource(ClickHouseNodes(config)[0], config.Engine.EventsTable, entity),
        _ => throw new InvalidOperationException("the memory engine has no SQL source"),
    };

    /// <summary>A clickhouse engine's connection string lists the HTTP endpoints of its nodes, comma-separated; queries go to the first.</summary>
    public static Uri[] ClickHouseNodes(WorkspaceConfig config) =>
        [.. ConnectionString(config).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(u => new Uri(u))];
}
