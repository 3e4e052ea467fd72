using YamlDotNet.RepresentationModel;

namespace Pql.Core.Workspace;

/// <summary>Reads <c>pql.yaml</c> into a <see cref="WorkspaceConfig"/>; every error names file, line and key.</summary>
public static partial class ConfigLoader
{
    public const string FileName = "pql.yaml";

    /// <summary>Top-level sections; the last ones are parsed by the stage that owns them.</summary>
    private static readonly string[] s_sections =
        ["data", "products", "goals", "training", "event_kinds", "features", "tiers", "rules", "triggers", "playbooks", "connectors", "state", "assessment",
         "schedules", "engine", "overrides"];

    /// <summary>Sections whose agreed shape is a list (e.g. <c>triggers: - name: ...</c>).</summary>
    private static readonly string[] s_listSections = ["triggers", "schedules"];

    /// <summary>Sections this loader parses into typed records itself (not handed to a later stage as YAML).</summary>
    private static readonly string[] s_typedHere = ["schedules", "engine", "overrides"];

    public static WorkspaceConfig Load(string workspaceDirectory)
    {
        var errors = new List<ConfigException>();
        var config = Load(workspaceDirectory, errors);
        return errors.Count == 0 ? config : throw errors[0];
    }

    /// <summary>
    /// Reads pql.yaml collecting every error of the sections this stage owns into <paramref name="errors"/> (a broken section
    /// falls back to its defaults so the others are still checked). Only an unreadable file throws.
    /// </summary>
    public static WorkspaceConfig Load(string workspaceDirectory, List<ConfigException> errors)
    {
        var dir = Path.GetFullPath(workspaceDirectory);
        var path = Path.Combine(dir, FileName);
        if (!System.IO.Directory.Exists(dir))
            throw new PqlInputException($"{workspaceDirectory}: workspace folder does not exist");
        if (!File.Exists(path))
            throw new PqlInputException($"{path}: no {FileName} in the workspace folder");
        return Parse(dir, path, File.ReadAllText(path), errors);
    }

    public static WorkspaceConfig Parse(string directory, string configPath, string yaml)
    {
        var errors = new List<ConfigException>();
        var config = Parse(directory, configPath, yaml, errors);
        return errors.Count == 0 ? config : throw errors[0];
    }

    /// <summary>Parses pql.yaml, collecting every section's errors (see <see cref="Load(string, List{ConfigException})"/>).</summary>
    public static WorkspaceConfig Parse(string directory, string configPath, string yaml, List<ConfigException> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var r = new YamlConfigReader(configPath);
        var root = YamlConfigReader.LoadRoot(configPath, yaml);
        foreach (var (k, _) in root.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? "";
            if (Array.IndexOf(s_sections, name) < 0)
                errors.Add(r.Error(k, name, $"unknown key; expected one of: {string.Join(", ", s_sections)}"));
        }
        T Checked<T>(Func<T> parse, T fallback)
        {
            try
            {
                return parse();
            }
            catch (ConfigException ex)
            {
                errors.Add(ex);
                return fallback;
            }
        }

        var goalsNode = Checked(() => r.Map(root, "goals", "goals"), null);
        var goals = goalsNode is null ? [] : GoalParser.ParseAll(r, goalsNode, errors);
        // A workspace whose goals all read an outcome column from a snapshot table needs no event log.
        var snapshotOnly = goals.Count > 0 && goals.All(g => g.Condition is LabelColumnCondition);
        var data = Checked(() => ParseData(r, directory,
            r.Map(root, "data", "data") ?? throw r.Error(root, "data", "is required (where accounts, users and events come from)"), snapshotOnly), new DataConfig());
        var products = Checked(() => ParseProducts(r, r.Map(root, "products", "products")), []);
        var trainingNode = Checked(() => r.Map(root, "training", "training"), null);
        var training = Checked(() => ParseTraining(r, trainingNode), new TrainingConfig());
        var schedules = Checked(() => ParseSchedules(r, YamlConfigReader.Child(root, "schedules"), goals, errors), []);
        var engine = Checked(() => ParseEngine(r, YamlConfigReader.Child(root, "engine")), new EngineConfig());
        var state = Checked(() => ParseState(r, YamlConfigReader.Child(root, "state")), new StateConfig());
        var overrides = Checked(() => ParseOverrides(r, YamlConfigReader.Child(root, "overrides")), new OverridesConfig());

        var sections = new Dictionary<string, YamlMappingNode>();
        var lists = new Dictionary<string, YamlSequenceNode>();
        foreach (var name in s_sections.AsSpan(4))
        {
            if (Array.IndexOf(s_listSections, name) >= 0 && YamlConfigReader.Child(root, name) is YamlSequenceNode list)
                lists[name] = list;
            else if (Array.IndexOf(s_typedHere, name) >= 0)
                continue;
            else if (Checked(() => r.Map(root, name, name), null) is { } node)
                sections[name] = node;
        }
        return new WorkspaceConfig
        {
            Schedules = schedules,
            Engine = engine,
            State = state,
            Directory = directory,
            ConfigPath = configPath,
            Data = data,
            ProductOfEvent = products,
            Goals = goals,
            Training = training,
            Overrides = overrides,
            Sections = sections,
            ListSections = lists,
        };
    }

    /// <summary>Events may be absent only when every goal reads its outcome from a snapshot table's label column.</summary>
    private static DataConfig ParseData(YamlConfigReader r, string dir, YamlMappingNode node, bool snapshotOnly)
    {
        r.AllowOnly(node, "data", "accounts", "users", "events", "metrics", "exclude_attributes", "max_reject_share");
        var users = TableParser.Parse(r, dir, node, "users", required: false);
        var accounts = TableParser.Parse(r, dir, node, "accounts", required: false);
        var eventsNode = YamlConfigReader.Child(node, "events");
        if (eventsNode is null && !snapshotOnly)
            throw r.Error(node, "data.events", "is required (only workspaces whose goals are all label_column goals may have no events)");
        var events = new List<TableSource>();
        if (eventsNode is YamlSequenceNode seq)
        {
            for (var i = 0; i < seq.Children.Count; i++)
                events.Add(TableParser.ParseNode(r, dir, seq.Children[i], $"data.events[{i}]", "events"));
        }
        else if (eventsNode is not null)
        {
            events.Add(TableParser.ParseNode(r, dir, eventsNode, "data.events", "events"));
        }
        var metrics = ParseMetrics(r, dir, node);
        if (accounts is null && users is null)
            throw r.Error(node, "data.accounts", "accounts or users are required (use 'accounts: { from: users }' when each user is its own account)");
        if (accounts is null)
            accounts = new TableSource { Name = "accounts", Origin = TableOrigin.FromUsers, Line = (int)node.Start.Line };
        if (accounts.Origin == TableOrigin.FromUsers && users is null)
            throw r.Error(node, "data.users", "accounts are taken from users, so users are required");

        var share = r.Number(node, "max_reject_share", "data.max_reject_share") ?? 0.05;
        if (share is < 0 or > 1)
            throw r.Error(YamlConfigReader.Child(node, "max_reject_share")!, "data.max_reject_share", "must be between 0 and 1");
        return new DataConfig
        {
            Accounts = accounts,
            Users = users,
            Events = events,
            Metrics = metrics,
            ExcludeAttributes = r.ScalarList(node, "exclude_attributes", "data.exclude_attributes"),
            MaxRejectShare = share,
        };
    }

    /// <summary>
    /// <c>metrics:</c> one table or a list, each with the options of an event table that make sense for daily values (path or
    /// glob, format, columns, timestamp_format for the date, encoding, delimiter, where); the event-only keys are refused by name.
    /// </summary>
    private static List<TableSource> ParseMetrics(YamlConfigReader r, string dir, YamlMappingNode node)
    {
        var tables = new List<TableSource>();
        var metricsNode = YamlConfigReader.Child(node, "metrics");
        if (metricsNode is null || YamlConfigReader.IsNull(metricsNode))
            return tables;
        var nodes = metricsNode is YamlSequenceNode seq ? seq.Children.ToList() : [metricsNode];
        for (var i = 0; i < nodes.Count; i++)
        {
            var path = metricsNode is YamlSequenceNode ? $"data.metrics[{i}]" : "data.metrics";
            if (nodes[i] is YamlMappingNode map)
            {
                foreach (var key in new[] { "event", "product", "properties", "attributes", "account_via", "from", "created_at", "id" })
                {
                    if (YamlConfigReader.Child(map, key) is { } bad)
                        throw r.Error(bad, $"{path}.{key}", "is not an option of a metrics table (it takes path, format, columns, timestamp_format, encoding, delimiter and where)");
                }
            }
            tables.Add(TableParser.ParseNode(r, dir, nodes[i], path, "metrics"));
        }
        return tables;
    }

    private static Dictionary<string, string> ParseProducts(YamlConfigReader r, YamlMappingNode? node)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is null)
            return map;
        foreach (var (k, _) in node.Children)
        {
            var product = ((YamlScalarNode)k).Value ?? "";
            foreach (var ev in r.ScalarList(node, product, $"products.{product}"))
            {
                if (!map.TryAdd(ev, product) && map[ev] != product)
                    throw r.Error(k, $"products.{product}", $"event '{ev}' is already mapped to product '{map[ev]}'");
            }
        }
        return map;
    }

    private static TrainingConfig ParseTraining(YamlConfigReader r, YamlMappingNode? node)
    {
        if (node is null)
            return new TrainingConfig();
        r.AllowOnly(node, "training", "cutoffs", "step", "model", "seed", "refit", "entity_weighting", "learning_rate", "min_child_weight", "subsample", "column_sample", "trees", "early_stopping_rounds", "max_auc_drop", "max_tier_move_share");
        var cutoffs = (int)(r.Number(node, "cutoffs", "training.cutoffs") ?? 6);
        if (cutoffs is < 2 or > 100)
            throw r.Error(node, "training.cutoffs", "must be between 2 and 100 (one validation cutoff plus at least one for training)");
        var model = r.Scalar(node, "model", "training.model");
        if (model is not (null or "gbdt" or "logistic" or "rules"))
            throw r.Error(YamlConfigReader.Child(node, "model")!, "training.model", $"'{model}' is not a model; use gbdt, logistic or rules");
        return new TrainingConfig
        {
            Cutoffs = cutoffs,
            StepMs = r.DurationMs(node, "step", "training.step"),
            Model = model,
            Seed = (int)(r.Number(node, "seed", "training.seed") ?? 42),
            Refit = Flag(r, node, "refit", Defaults.Refit),
            EntityWeighting = Flag(r, node, "entity_weighting", Defaults.EntityWeighting),
            LearningRate = r.Number(node, "learning_rate", "training.learning_rate"),
            MinChildWeight = r.Number(node, "min_child_weight", "training.min_child_weight"),
            Subsample = r.Number(node, "subsample", "training.subsample"),
            ColumnSample = r.Number(node, "column_sample", "training.column_sample"),
            Trees = (int?)r.Number(node, "trees", "training.trees"),
            EarlyStoppingRounds = (int?)r.Number(node, "early_stopping_rounds", "training.early_stopping_rounds"),
            MaxAucDrop = Share(r, node, "max_auc_drop") ?? 0.005,
            MaxTierMoveShare = Share(r, node, "max_tier_move_share") ?? 0.2,
        };
    }

    /// <summary>The override guardrail's limits (docs/GOVERNANCE.md): whole numbers, at least 1 entity and 0 tier steps.</summary>
    private static OverridesConfig ParseOverrides(YamlConfigReader r, YamlNode? node)
    {
        if (node is null || YamlConfigReader.IsNull(node))
            return new OverridesConfig();
        var map = r.RequireMap(node, "overrides");
        r.AllowOnly(map, "overrides", "max_entities_without_approval", "max_tier_steps_without_approval");
        var defaults = new OverridesConfig();
        return new OverridesConfig
        {
            MaxEntitiesWithoutApproval = WholeNumber(r, map, "max_entities_without_approval", min: 1) ?? defaults.MaxEntitiesWithoutApproval,
            MaxTierStepsWithoutApproval = WholeNumber(r, map, "max_tier_steps_without_approval", min: 0) ?? defaults.MaxTierStepsWithoutApproval,
        };
    }

    private static int? WholeNumber(YamlConfigReader r, YamlMappingNode map, string key, int min)
    {
        var path = "overrides." + key;
        var value = r.Number(map, key, path);
        if (value is { } v && (v != Math.Floor(v) || v < min || v > 1_000_000))
            throw r.Error(YamlConfigReader.Child(map, key)!, path, $"'{r.Scalar(map, key, path)}' must be a whole number from {min} to 1000000");
        return (int?)value;
    }

    /// <summary>A guardrail setting in [0, 1] (a ROC AUC difference or a share of entities).</summary>
    private static double? Share(YamlConfigReader r, YamlMappingNode node, string key)
    {
        var value = r.Number(node, key, "training." + key);
        if (value is < 0 or > 1)
            throw r.Error(YamlConfigReader.Child(node, key)!, "training." + key, "must be between 0 and 1");
        return value;
    }

    /// <summary>The defaults of <c>training</c> live in <see cref="TrainingConfig"/>'s initialisers; an absent flag takes them.</summary>
    private static readonly TrainingConfig Defaults = new();

    private static bool Flag(YamlConfigReader r, YamlMappingNode node, string key, bool whenAbsent)
    {
        var text = r.Scalar(node, key, "training." + key);
        return text switch
        {
            null => whenAbsent,
            "true" => true,
            "false" => false,
            _ => throw r.Error(YamlConfigReader.Child(node, key)!, "training." + key, $"'{text}' is not true or false"),
        };
    }
}
