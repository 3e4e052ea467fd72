using YamlDotNet.RepresentationModel;

namespace Pql.Core.Workspace;

/// <summary>The <c>data</c> section: where accounts, users and events come from.</summary>
public sealed record DataConfig
{
    public TableSource? Accounts { get; init; }
    public TableSource? Users { get; init; }
    public IReadOnlyList<TableSource> Events { get; init; } = [];
    /// <summary>Attribute columns that are never features (snapshot values that would leak the outcome).</summary>
    public IReadOnlyList<string> ExcludeAttributes { get; init; } = [];
    /// <summary>The load fails when more than this share of rows is rejected. Default 0.05.</summary>
    public double MaxRejectShare { get; init; } = 0.05;
}

/// <summary>The <c>training</c> section: how training rows are cut from history.</summary>
public sealed record TrainingConfig
{
    /// <summary>Number of labelled cutoffs (the latest validates, the earlier ones train). Default 6.</summary>
    public int Cutoffs { get; init; } = 6;
    /// <summary>Time between training cutoffs; null = the goal's horizon. Whatever it is, training label windows end by the validation cutoff.</summary>
    public long? StepMs { get; init; }
    /// <summary>Pinned model kind (gbdt, logistic, rules) or null to keep the best by PR AUC.</summary>
    public string? Model { get; init; }
    /// <summary>Seed for every random choice in training. Default 42.</summary>
    public int Seed { get; init; } = 42;
}

/// <summary>
/// A parsed <c>pql.yaml</c>. Sections owned by later stages (features, tiers, rules, triggers, playbooks, connectors) are kept
/// as YAML nodes for those stages to parse into their own typed records; Application/ConfigService parses them all up front.
/// </summary>
public sealed record WorkspaceConfig
{
    public required string Directory { get; init; }
    public required string ConfigPath { get; init; }
    public required DataConfig Data { get; init; }
    /// <summary>Event name -> product (from the <c>products</c> section).</summary>
    public IReadOnlyDictionary<string, string> ProductOfEvent { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<GoalDefinition> Goals { get; init; } = [];
    public TrainingConfig Training { get; init; } = new();
    /// <summary>The <c>schedules</c> list the server runs.</summary>
    public IReadOnlyList<ScheduleConfig> Schedules { get; init; } = [];
    /// <summary>Where features are computed (<c>engine</c>); in memory by default.</summary>
    public EngineConfig Engine { get; init; } = new();
    /// <summary>Where state lives (<c>state</c>); the embedded SQLite file by default.</summary>
    public StateConfig State { get; init; } = new();
    /// <summary>Other top-level sections (tiers, rules, triggers, playbooks, event_kinds, ...), parsed by their stage.</summary>
    public IReadOnlyDictionary<string, YamlMappingNode> Sections { get; init; } = new Dictionary<string, YamlMappingNode>();

    /// <summary>A reader that names this workspace's pql.yaml in its errors.</summary>
    public YamlConfigReader Reader => new(ConfigPath);

    /// <summary>Where the engine keeps its state (SQLite, rejects, models) inside the workspace.</summary>
    public string StateDirectory => Path.Combine(Directory, ".pql");

    public GoalDefinition Goal(string name) =>
        Goals.FirstOrDefault(g => g.Name == name)
        ?? throw new PqlInputException($"{Path.GetFileName(ConfigPath)}: unknown goal '{name}'; defined goals: {string.Join(", ", Goals.Select(g => g.Name))}");

    public YamlMappingNode? Section(string name) => Sections.TryGetValue(name, out var n) ? n : null;

    /// <summary>Sections written as a YAML list (currently <c>triggers</c>), parsed by their stage.</summary>
    public IReadOnlyDictionary<string, YamlSequenceNode> ListSections { get; init; } = new Dictionary<string, YamlSequenceNode>();

    public YamlSequenceNode? ListSection(string name) => ListSections.TryGetValue(name, out var n) ? n : null;
}
