using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Pql.Core.Workspace;

/// <summary>The sections that say how and where pql runs: <c>schedules</c>, <c>engine</c> and <c>state</c>.</summary>
public static partial class ConfigLoader
{
    private static List<ScheduleConfig> ParseSchedules(YamlConfigReader r, YamlNode? node, IReadOnlyList<GoalDefinition> goals, List<ConfigException> errors)
    {
        var list = new List<ScheduleConfig>();
        if (node is null || YamlConfigReader.IsNull(node))
            return list;
        if (node is not YamlSequenceNode seq)
            throw r.Error(node, "schedules", "expected a list: '- { task: rescore, goal: all, every: 1d }' entries");
        for (var i = 0; i < seq.Children.Count; i++)
        {
            var key = $"schedules[{i}]";
            try
            {
                var map = r.RequireMap(seq.Children[i], key);
                r.AllowOnly(map, key, "task", "goal", "every");
                var taskText = r.RequireScalar(map, "task", $"{key}.task");
                var task = taskText switch
                {
                    "rescore" => ScheduledTask.Rescore,
                    "retrain" => ScheduledTask.Retrain,
                    "drift" => ScheduledTask.Drift,
                    _ => throw r.Error(YamlConfigReader.Child(map, "task")!, $"{key}.task", $"'{taskText}' is not a task; use rescore, retrain or drift"),
                };
                var goal = r.RequireScalar(map, "goal", $"{key}.goal");
                if (goal != ScheduleConfig.AllGoals && !goals.Any(g => g.Name == goal))
                    throw r.Error(YamlConfigReader.Child(map, "goal")!, $"{key}.goal", $"unknown goal '{goal}'; use 'all' or one of: {string.Join(", ", goals.Select(g => g.Name))}");
                var every = r.RequireScalar(map, "every", $"{key}.every");
                if (!ScheduleConfig.Periods.Contains(every))
                    throw r.Error(YamlConfigReader.Child(map, "every")!, $"{key}.every", $"'{every}' is not a schedule period; use one of {string.Join(", ", ScheduleConfig.Periods)}");
                list.Add(new ScheduleConfig(task, goal, Duration.TryParseMs(every)!.Value, (int)map.Start.Line));
            }
            catch (ConfigException ex)
            {
                errors.Add(ex);
            }
        }
        return list;
    }

    private static EngineConfig ParseEngine(YamlConfigReader r, YamlNode? node)
    {
        if (node is null || YamlConfigReader.IsNull(node))
            return new EngineConfig();
        if (node is YamlScalarNode s)
            return new EngineConfig { Kind = EngineKindOf(r, node, "engine", s.Value) };
        var map = r.RequireMap(node, "engine");
        r.AllowOnly(map, "engine", "kind", "connection_env", "path", "memory_budget", "events_table", "users_table");
        var kind = EngineKindOf(r, YamlConfigReader.Child(map, "kind") ?? map, "engine.kind", r.Scalar(map, "kind", "engine.kind") ?? "memory");
        var env = ConnectionEnv(r, map, "engine", needed: kind is EngineKind.Postgres or EngineKind.ClickHouse, kind.ToString().ToLowerInvariant());
        var path = r.Scalar(map, "path", "engine.path");
        if (path is not null && kind != EngineKind.DuckDb)
            throw r.Error(YamlConfigReader.Child(map, "path")!, "engine.path", "only a duckdb engine has a database file");
        long? budget = null;
        if (r.Scalar(map, "memory_budget", "engine.memory_budget") is { } text)
            budget = ParseBytes(text) ?? throw r.Error(YamlConfigReader.Child(map, "memory_budget")!, "engine.memory_budget", $"'{text}' is not a size; use e.g. 512MB or 8GB");
        var events = r.Scalar(map, "events_table", "engine.events_table");
        var users = r.Scalar(map, "users_table", "engine.users_table");
        if ((events ?? users) is not null && kind is not (EngineKind.Postgres or EngineKind.ClickHouse))
            throw r.Error(YamlConfigReader.Child(map, events is null ? "users_table" : "events_table")!, "engine", "only a postgres or clickhouse engine reads tables");
        return new EngineConfig
        {
            Kind = kind, ConnectionEnv = env, Path = path, MemoryBudgetBytes = budget,
            EventsTable = events ?? EngineConfig.DefaultEventsTable, UsersTable = users,
        };
    }

    private static EngineKind EngineKindOf(YamlConfigReader r, YamlNode node, string key, string? text) => text switch
    {
        "memory" => EngineKind.Memory,
        "duckdb" => EngineKind.DuckDb,
        "postgres" => EngineKind.Postgres,
        "clickhouse" => EngineKind.ClickHouse,
        _ => throw r.Error(node, key, $"'{text}' is not an engine; use memory, duckdb, postgres or clickhouse"),
    };

    private static StateConfig ParseState(YamlConfigReader r, YamlNode? node)
    {
        if (node is null || YamlConfigReader.IsNull(node))
            return new StateConfig();
        var map = r.RequireMap(node, "state");
        r.AllowOnly(map, "state", "kind", "connection_env");
        var text = r.Scalar(map, "kind", "state.kind") ?? "sqlite";
        var kind = text switch
        {
            "sqlite" => StateKind.Sqlite,
            "postgres" => StateKind.Postgres,
            _ => throw r.Error(YamlConfigReader.Child(map, "kind")!, "state.kind", $"'{text}' is not a state store; use sqlite or postgres"),
        };
        return new StateConfig { Kind = kind, ConnectionEnv = ConnectionEnv(r, map, "state", needed: kind == StateKind.Postgres, text) };
    }

    /// <summary>The name of the environment variable holding a connection string; never the string itself.</summary>
    private static string? ConnectionEnv(YamlConfigReader r, YamlMappingNode map, string section, bool needed, string kind)
    {
        var env = r.Scalar(map, "connection_env", $"{section}.connection_env");
        if (env is null)
            return needed ? throw r.Error(map, $"{section}.connection_env", $"is required for {kind}: the environment variable that holds the connection string") : null;
        if (!needed)
            throw r.Error(YamlConfigReader.Child(map, "connection_env")!, $"{section}.connection_env", $"{kind} takes no connection string");
        if (env.Length == 0 || !env.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            throw r.Error(YamlConfigReader.Child(map, "connection_env")!, $"{section}.connection_env",
                $"'{env}' is not an environment variable name (letters, digits, _); put the connection string in that variable, not in pql.yaml");
        return env;
    }

    private static long? ParseBytes(string text)
    {
        var t = text.Trim().ToUpperInvariant();
        (string Suffix, long Factor)[] units = [("TB", 1L << 40), ("GB", 1L << 30), ("MB", 1L << 20), ("KB", 1L << 10), ("B", 1)];
        foreach (var (suffix, factor) in units)
        {
            if (t.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(t[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0)
                return (long)(v * factor);
        }
        return null;
    }
}
