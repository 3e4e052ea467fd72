using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Pql.Core.Workspace;

/// <summary>Where the workspace keeps its state.</summary>
public enum StateKind
{
    /// <summary><c>&lt;workspace&gt;/.pql/state.db</c> (the default).</summary>
    Sqlite,
    /// <summary>A schema of a PostgreSQL database shared by several processes or machines.</summary>
    Postgres,
}

/// <summary>Where features and labels are computed.</summary>
public enum EngineKind
{
    /// <summary>The in-memory event store (the default).</summary>
    Memory,
    /// <summary>Embedded DuckDB reading the workspace's files directly, out of core.</summary>
    DuckDb,
    /// <summary>A PostgreSQL table or view of events.</summary>
    Postgres,
    /// <summary>A ClickHouse table (local or Distributed) over its HTTP interface.</summary>
    ClickHouse,
}

/// <summary><c>state: { kind: sqlite | postgres, connection_env: VAR, schema: pql }</c>.</summary>
public sealed record StateConfig
{
    public StateKind Kind { get; init; } = StateKind.Sqlite;
    /// <summary>The environment variable holding the connection string (a secret: never written in pql.yaml).</summary>
    public string? ConnectionEnv { get; init; }
    /// <summary>PostgreSQL schema holding this workspace's tables. Default <c>pql</c>.</summary>
    public string Schema { get; init; } = "pql";
    public int Line { get; init; }
}

/// <summary><c>engine: memory | duckdb | { kind: postgres, connection_env: VAR, table: events }</c> and <c>memory_budget: 512MB</c>.</summary>
public sealed record EngineConfig
{
    public EngineKind Kind { get; init; } = EngineKind.Memory;
    public string? ConnectionEnv { get; init; }
    /// <summary>The events table (or view, or ClickHouse Distributed table) for the database engines.</summary>
    public string? Table { get; init; }
    /// <summary>Bytes the in-memory path may use; null = unbounded.</summary>
    public long? MemoryBudgetBytes { get; init; }
    public int Line { get; init; }
}

/// <summary>
/// A minimal parse of the top-level <c>state</c>, <c>engine</c> and <c>memory_budget</c> keys (issue 17). The application-layer issue
/// fixes their final typed shape; this accepts that shape's subset the scale-out backends need.
/// </summary>
internal static class BackendConfigParser
{
    public static StateConfig State(YamlConfigReader r, YamlMappingNode root)
    {
        var node = r.Map(root, "state", "state");
        if (node is null)
            return new StateConfig();
        r.AllowOnly(node, "state", "kind", "connection_env", "schema");
        var kind = r.Scalar(node, "kind", "state.kind") switch
        {
            null or "sqlite" => StateKind.Sqlite,
            "postgres" => StateKind.Postgres,
            var other => throw r.Error(YamlConfigReader.Child(node, "kind")!, "state.kind", $"'{other}' is not a state store; use sqlite or postgres"),
        };
        var env = r.Scalar(node, "connection_env", "state.connection_env");
        if (kind == StateKind.Postgres && string.IsNullOrEmpty(env))
            throw r.Error(node, "state.connection_env", "is required for kind postgres (the environment variable holding the connection string)");
        return new StateConfig { Kind = kind, ConnectionEnv = env, Schema = r.Scalar(node, "schema", "state.schema") ?? "pql", Line = (int)node.Start.Line };
    }

    public static EngineConfig Engine(YamlConfigReader r, YamlMappingNode root)
    {
        var budget = MemoryBudget(r, root);
        var node = YamlConfigReader.Child(root, "engine");
        if (node is null || YamlConfigReader.IsNull(node))
            return new EngineConfig { MemoryBudgetBytes = budget };
        string? kindText, env = null, table = null;
        if (node is YamlScalarNode scalar)
        {
            kindText = scalar.Value;
        }
        else
        {
            var map = r.RequireMap(node, "engine");
            r.AllowOnly(map, "engine", "kind", "connection_env", "table");
            kindText = r.RequireScalar(map, "kind", "engine.kind");
            env = r.Scalar(map, "connection_env", "engine.connection_env");
            table = r.Scalar(map, "table", "engine.table");
        }
        var kind = kindText switch
        {
            "memory" => EngineKind.Memory,
            "duckdb" => EngineKind.DuckDb,
            "postgres" => EngineKind.Postgres,
            "clickhouse" => EngineKind.ClickHouse,
            _ => throw r.Error(node, "engine", $"'{kindText}' is not an engine; use memory, duckdb, postgres or clickhouse"),
        };
        if (kind is EngineKind.Postgres or EngineKind.ClickHouse && (string.IsNullOrEmpty(env) || string.IsNullOrEmpty(table)))
            throw r.Error(node, "engine", $"{kindText} needs connection_env (the variable holding the connection) and table (the events table)");
        return new EngineConfig { Kind = kind, ConnectionEnv = env, Table = table, MemoryBudgetBytes = budget, Line = (int)node.Start.Line };
    }

    /// <summary><c>memory_budget: 512MB</c> (B, KB, MB, GB; powers of 1024).</summary>
    private static long? MemoryBudget(YamlConfigReader r, YamlMappingNode root)
    {
        var node = YamlConfigReader.Child(root, "memory_budget");
        if (node is null || YamlConfigReader.IsNull(node))
            return null;
        var text = (node as YamlScalarNode)?.Value?.Trim().ToUpperInvariant() ?? "";
        var (digits, scale) = text switch
        {
            _ when text.EndsWith("GB", StringComparison.Ordinal) => (text[..^2], 1L << 30),
            _ when text.EndsWith("MB", StringComparison.Ordinal) => (text[..^2], 1L << 20),
            _ when text.EndsWith("KB", StringComparison.Ordinal) => (text[..^2], 1L << 10),
            _ when text.EndsWith('B') => (text[..^1], 1L),
            _ => (text, 1L),
        };
        if (!double.TryParse(digits.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value <= 0)
            throw r.Error(node, "memory_budget", $"'{(node as YamlScalarNode)?.Value}' is not a size; write e.g. 512MB or 4GB");
        return (long)(value * scale);
    }
}
