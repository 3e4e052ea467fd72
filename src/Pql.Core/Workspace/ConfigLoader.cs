using YamlDotNet.RepresentationModel;

namespace Pql.Core.Workspace;

/// <summary>Reads <c>pql.yaml</c> into a <see cref="WorkspaceConfig"/>; every error names file, line and key.</summary>
public static class ConfigLoader
{
    public const string FileName = "pql.yaml";

    /// <summary>Top-level sections; the last ones are parsed by the stage that owns them.</summary>
    private static readonly string[] s_sections =
        ["data", "products", "goals", "training", "event_kinds", "features", "tiers", "rules", "triggers", "playbooks", "connectors", "state", "assessment"];

    /// <summary>Sections whose agreed shape is a list (e.g. <c>triggers: - name: ...</c>).</summary>
    private static readonly string[] s_listSections = ["triggers"];

    /// <summary>Top-level keys parsed here that are not sections (<see cref="BackendConfigParser"/>).</summary>
    private static readonly string[] s_backendKeys = ["engine", "memory_budget"];

    public static WorkspaceConfig Load(string workspaceDirectory)
    {
        var dir = Path.GetFullPath(workspaceDirectory);
        var path = Path.Combine(dir, FileName);
        if (!System.IO.Directory.Exists(dir))
            throw new PqlInputException($"{workspaceDirectory}: workspace folder does not exist");
        if (!File.Exists(path))
            throw new PqlInputException($"{path}: no {FileName} in the workspace folder");
        return Parse(dir, path, File.ReadAllText(path));
    }

    public static WorkspaceConfig Parse(string directory, string configPath, string yaml)
    {
        var r = new YamlConfigReader(configPath);
        var root = YamlConfigReader.LoadRoot(configPath, yaml);
        r.AllowOnly(root, "", [.. s_sections, .. s_backendKeys]);

        var dataNode = r.Map(root, "data", "data") ?? throw r.Error(root, "data", "is required (where accounts, users and events come from)");
        var data = ParseData(r, directory, dataNode);
        var products = ParseProducts(r, r.Map(root, "products", "products"));
        var goalsNode = r.Map(root, "goals", "goals");
        var goals = goalsNode is null ? [] : GoalParser.ParseAll(r, goalsNode);
        var training = ParseTraining(r, r.Map(root, "training", "training"));

        var sections = new Dictionary<string, YamlMappingNode>();
        var lists = new Dictionary<string, YamlSequenceNode>();
        foreach (var name in s_sections.AsSpan(4))
        {
            if (Array.IndexOf(s_listSections, name) >= 0 && YamlConfigReader.Child(root, name) is YamlSequenceNode list)
                lists[name] = list;
            else if (r.Map(root, name, name) is { } node)
                sections[name] = node;
        }
        return new WorkspaceConfig
        {
            Directory = directory,
            ConfigPath = configPath,
            Data = data,
            ProductOfEvent = products,
            Goals = goals,
            Training = training,
            Sections = sections,
            ListSections = lists,
            State = BackendConfigParser.State(r, root),
            Engine = BackendConfigParser.Engine(r, root),
        };
    }

    private static DataConfig ParseData(YamlConfigReader r, string dir, YamlMappingNode node)
    {
        r.AllowOnly(node, "data", "accounts", "users", "events", "exclude_attributes", "max_reject_share");
        var users = TableParser.Parse(r, dir, node, "users", required: false);
        var accounts = TableParser.Parse(r, dir, node, "accounts", required: false);
        var eventsNode = YamlConfigReader.Child(node, "events") ?? throw r.Error(node, "data.events", "is required");
        var events = new List<TableSource>();
        if (eventsNode is YamlSequenceNode seq)
        {
            for (var i = 0; i < seq.Children.Count; i++)
                events.Add(TableParser.ParseNode(r, dir, seq.Children[i], $"data.events[{i}]", "events"));
        }
        else
        {
            events.Add(TableParser.ParseNode(r, dir, eventsNode, "data.events", "events"));
        }
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
            ExcludeAttributes = r.ScalarList(node, "exclude_attributes", "data.exclude_attributes"),
            MaxRejectShare = share,
        };
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
        r.AllowOnly(node, "training", "cutoffs", "step", "model", "seed");
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
        };
    }
}
