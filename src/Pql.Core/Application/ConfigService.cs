using Pql.Core.Features;
using Pql.Core.Playbooks;
using Pql.Core.Scoring;
using Pql.Core.Workspace;
using YamlDotNet.RepresentationModel;

namespace Pql.Core.Application;

/// <summary>
/// The whole pql.yaml as immutable typed records: the workspace's own sections (data, products, goals, training, schedules, engine,
/// state) and those later stages own (features, tiers per goal, triggers, playbooks, connectors). Every use case works from this.
/// </summary>
public sealed record PqlConfig(
    WorkspaceConfig Workspace,
    FeatureConfig Features,
    IReadOnlyDictionary<string, TierPolicy> Tiers,
    PlaybookConfig Playbooks);

/// <summary>What checking pql.yaml found: the typed config when it is valid, and every error otherwise.</summary>
public sealed record ConfigCheck(PqlConfig? Config, IReadOnlyList<ConfigException> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// Reads pql.yaml once and checks every section, collecting all errors rather than stopping at the first: each goal, schedule,
/// connector, playbook and trigger is checked on its own, so one typo does not hide the next.
/// </summary>
public static class ConfigService
{
    /// <summary>The typed config, or a <see cref="ConfigException"/> (the first of all errors) when pql.yaml is invalid.</summary>
    public static PqlConfig Load(string workspace)
    {
        var check = Check(workspace);
        return check.Config ?? throw check.Errors[0];
    }

    public static ConfigCheck Check(string workspace)
    {
        var errors = new List<ConfigException>();
        var config = ConfigLoader.Load(workspace, errors);
        var features = SectionChecks.Features(errors, config);
        SectionChecks.Rules(errors, config);
        var tiers = new Dictionary<string, TierPolicy>(StringComparer.Ordinal);
        foreach (var goal in config.Goals.Select(g => g.Name).DefaultIfEmpty("default"))
            tiers[goal] = Checked(errors, () => TierPolicy.Parse(config, goal), TierPolicy.Default);
        CheckItems(errors, config);
        var playbooks = Checked(errors, () => PlaybookConfig.Parse(config), new PlaybookConfig(new Dictionary<string, ConnectorConfig>(), new Dictionary<string, IReadOnlyList<PlaybookStep>>(), []));
        var distinct = errors.GroupBy(e => e.Message, StringComparer.Ordinal).Select(g => g.First()).OrderBy(e => e.Line).ToList();
        return new ConfigCheck(distinct.Count == 0 ? new PqlConfig(config, features, tiers, playbooks) : null, distinct);
    }

    /// <summary>
    /// Checks connectors, playbooks and triggers one entry at a time (the stage's parser stops at its first error): each entry is
    /// parsed in a copy of the config holding only it and the entries it may refer to.
    /// </summary>
    private static void CheckItems(List<ConfigException> errors, WorkspaceConfig config)
    {
        var goodConnectors = new List<KeyValuePair<YamlNode, YamlNode>>();
        foreach (var entry in Entries(config.Section("connectors")))
        {
            var only = With(config, ("connectors", [entry]), ("playbooks", []), null);
            if (Try(errors, only, entry.Key, null))
                goodConnectors.Add(entry);
        }
        var goodPlaybooks = new List<KeyValuePair<YamlNode, YamlNode>>();
        foreach (var entry in Entries(config.Section("playbooks")))
        {
            var only = With(config, ("connectors", goodConnectors), ("playbooks", [entry]), null);
            if (Try(errors, only, entry.Key, null))
                goodPlaybooks.Add(entry);
        }
        if (config.ListSection("triggers") is { } triggers)
        {
            for (var i = 0; i < triggers.Children.Count; i++)
            {
                // Only the playbooks that parsed: a broken one is reported once, above, not again for each trigger naming it.
                var only = With(config, ("connectors", goodConnectors), ("playbooks", goodPlaybooks), triggers.Children[i]);
                var found = new List<ConfigException>();
                Try(found, only, triggers.Children[i], i);
                errors.AddRange(found.Where(e => !NamesBrokenPlaybook(e, config.Section("playbooks"))));
            }
        }
    }

    private static bool Try(List<ConfigException> errors, WorkspaceConfig only, YamlNode entry, int? triggerIndex)
    {
        try
        {
            PlaybookConfig.Parse(only);
            return true;
        }
        catch (ConfigException ex)
        {
            // Errors about the copy's new container nodes carry no line: point them at the entry, and give a trigger its real index.
            var line = ex.Line < entry.Start.Line ? (int)entry.Start.Line : ex.Line;
            var key = triggerIndex is { } i && ex.Key.StartsWith("triggers[0]", StringComparison.Ordinal) ? $"triggers[{i}]{ex.Key["triggers[0]".Length..]}" : ex.Key;
            errors.Add(new ConfigException(ex.File, line, key, ex.Problem));
            return false;
        }
    }

    private static bool NamesBrokenPlaybook(ConfigException error, YamlMappingNode? playbooks) =>
        error.Key.EndsWith(".playbook", StringComparison.Ordinal)
        && Entries(playbooks).Any(p => error.Problem.StartsWith($"unknown playbook '{((YamlScalarNode)p.Key).Value}'", StringComparison.Ordinal));

    private static IEnumerable<KeyValuePair<YamlNode, YamlNode>> Entries(YamlMappingNode? section) => section is null ? [] : section.Children;

    private static WorkspaceConfig With(WorkspaceConfig config, (string Name, IEnumerable<KeyValuePair<YamlNode, YamlNode>> Entries) a,
        (string Name, IEnumerable<KeyValuePair<YamlNode, YamlNode>> Entries) b, YamlNode? trigger)
    {
        var sections = new Dictionary<string, YamlMappingNode>(config.Sections)
        {
            [a.Name] = new YamlMappingNode(a.Entries),
            [b.Name] = new YamlMappingNode(b.Entries),
        };
        var lists = new Dictionary<string, YamlSequenceNode>(config.ListSections);
        lists.Remove("triggers");
        sections.Remove("triggers");
        if (trigger is not null)
            lists["triggers"] = new YamlSequenceNode(trigger);
        return config with { Sections = sections, ListSections = lists };
    }

    private static T Checked<T>(List<ConfigException> errors, Func<T> parse, T fallback)
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
}
