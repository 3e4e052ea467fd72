namespace Pql.Core.Workspace;

/// <summary>What a schedule runs.</summary>
public enum ScheduledTask
{
    /// <summary>Score the goal with its current model (and queue the actions its triggers fire).</summary>
    Rescore,
    /// <summary>Train the goal again and make the new model current.</summary>
    Retrain,
    /// <summary>Compare the goal's latest scores and features with those it was trained on.</summary>
    Drift,
}

/// <summary>One entry of the <c>schedules</c> list, run by the server: <c>{ task, goal: NAME | all, every }</c>.</summary>
public sealed record ScheduleConfig(ScheduledTask Task, string Goal, long EveryMs, int Line)
{
    /// <summary>The goal value that means every goal.</summary>
    public const string AllGoals = "all";

    /// <summary>The periods a schedule may run at.</summary>
    public static readonly IReadOnlyList<string> Periods = ["1h", "1d", "7d", "30d", "90d"];

    public bool AppliesTo(string goal) => Goal == AllGoals || Goal == goal;
}

/// <summary>Where features are computed.</summary>
public enum EngineKind
{
    /// <summary>In memory, in columnar arrays (the default).</summary>
    Memory,
    DuckDb,
    Postgres,
    ClickHouse,
}

/// <summary>
/// The <c>engine</c> section. A database engine reads its connection string from the environment variable
/// <see cref="ConnectionEnv"/>, so no secret is written in pql.yaml; <see cref="MemoryBudgetBytes"/> caps what a load may hold.
/// </summary>
public sealed record EngineConfig
{
    public EngineKind Kind { get; init; } = EngineKind.Memory;
    public string? ConnectionEnv { get; init; }
    /// <summary>A DuckDB database file (relative to the workspace); in-process memory when null.</summary>
    public string? Path { get; init; }
    public long? MemoryBudgetBytes { get; init; }

    public const string DefaultEventsTable = "pql_events";

    /// <summary>The events table or view of a postgres or clickhouse engine (<c>pql engine load</c> fills one from the workspace).</summary>
    public string EventsTable { get; init; } = DefaultEventsTable;

    /// <summary>PostgreSQL: a users table (user_id, account_id) resolving events without account_id.</summary>
    public string? UsersTable { get; init; }
}

/// <summary>Where state lives.</summary>
public enum StateKind
{
    /// <summary>The embedded file <c>.pql/state.db</c> (the default).</summary>
    Sqlite,
    Postgres,
}

/// <summary>The <c>state</c> section: the embedded SQLite file by default, or PostgreSQL with its connection string in an environment variable.</summary>
public sealed record StateConfig
{
    public StateKind Kind { get; init; } = StateKind.Sqlite;
    public string? ConnectionEnv { get; init; }
}
