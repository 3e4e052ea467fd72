using YamlDotNet.RepresentationModel;

namespace Pql.Core.Workspace;

/// <summary>The <c>data</c> section: where accounts, users and events come from.</summary>
public sealed record DataConfig
{
    public TableSource? Accounts { get; init; }
    public TableSource? Users { get; init; }
    public IReadOnlyList<TableSource> Events { get; init; } = [];
    /// <summary>Daily metric tables (entity, date, metric, value): product usage already rolled up outside the engine.</summary>
    public IReadOnlyList<TableSource> Metrics { get; init; } = [];
    /// <summary>Attribute columns that are never features (snapshot values that would leak the outcome).</summary>
    public IReadOnlyList<string> ExcludeAttributes { get; init; } = [];
    /// <summary>The load fails when more than this share of rows is rejected. Default 0.05.</summary>
    public double MaxRejectShare { get; init; } = 0.05;
}

/// <summary>
/// The override guardrail's limits (<c>overrides:</c> in pql.yaml): an override of more entities at once, or a move of more tiers from
/// the model's tier, waits for approval by another identity.
/// </summary>
public sealed record OverridesConfig
{
    /// <summary>Default 10.</summary>
    public int MaxEntitiesWithoutApproval { get; init; } = 10;

    /// <summary>Default 1 (0: every tier override waits).</summary>
    public int MaxTierStepsWithoutApproval { get; init; } = 1;
}

/// <summary>The <c>training</c> section: how training rows are cut from history.</summary>
public sealed record TrainingConfig
{
    /// <summary>Training cutoffs of the selection fit (the selection cutoff and the refit's newer cutoffs come on top). Default 6.</summary>
    public int Cutoffs { get; init; } = 6;
    /// <summary>Time between cutoffs; null = 7 days (docs/LEARNING.md, "Training protocol").</summary>
    public long? StepMs { get; init; }
    /// <summary>Refit the chosen models on every labelled cutoff, the selection cutoff included. Default true.</summary>
    public bool Refit { get; init; } = true;
    /// <summary>
    /// Weigh each training row by 1 / its entity's rows, so an entity present at many cutoffs counts once. Default false:
    /// unweighted rows match the population scored at as-of and backtested better (docs/LEARNING.md, "Entity weighting").
    /// </summary>
    public bool EntityWeighting { get; init; }
    /// <summary>GBDT early-stopping patience in rounds on the selection window; null = the engine's default.</summary>
    public int? EarlyStoppingRounds { get; init; }
    /// <summary>GBDT maximum number of trees (early stopping may keep fewer); null = the engine's default.</summary>
    public int? Trees { get; init; }
    /// <summary>GBDT shrinkage; null = the engine's default for workspace data.</summary>
    public double? LearningRate { get; init; }
    /// <summary>GBDT minimum hessian per leaf; null = the engine's default for workspace data.</summary>
    public double? MinChildWeight { get; init; }
    /// <summary>GBDT row subsample per tree; null = the engine's default for workspace data.</summary>
    public double? Subsample { get; init; }
    /// <summary>GBDT column subsample per tree; null = the engine's default for workspace data.</summary>
    public double? ColumnSample { get; init; }
    /// <summary>Pinned model kind (gbdt, logistic, rules) or null to keep the best by PR AUC.</summary>
    public string? Model { get; init; }
    /// <summary>Seed for every random choice in training. Default 42.</summary>
    public int Seed { get; init; } = 42;
    /// <summary>Promotion guardrail: how far a new version's ROC AUC may fall below the current one's on the same window. Default 0.005.</summary>
    public double MaxAucDrop { get; init; } = 0.005;
    /// <summary>Promotion guardrail: a new version is promoted automatically only if it moves fewer than this share of entities across tiers. Default 0.2.</summary>
    public double MaxTierMoveShare { get; init; } = 0.2;
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

    /// <summary>The <c>overrides:</c> section: when an override waits for a second person.</summary>
    public OverridesConfig Overrides { get; init; } = new();
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
