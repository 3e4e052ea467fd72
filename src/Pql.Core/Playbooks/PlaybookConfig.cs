using Pql.Core.Workspace;
using YamlDotNet.RepresentationModel;

namespace Pql.Core.Playbooks;

/// <summary>The parsed <c>connectors</c>, <c>playbooks</c> and <c>triggers</c> sections, cross-checked against each other.</summary>
public sealed record PlaybookConfig(
    IReadOnlyDictionary<string, ConnectorConfig> Connectors,
    IReadOnlyDictionary<string, IReadOnlyList<PlaybookStep>> Playbooks,
    IReadOnlyList<TriggerRule> Triggers)
{
    /// <summary>The largest share of entities a playbook may hold out as a control group.</summary>
    public const double MaxHoldout = 0.5;

    /// <summary>
    /// Per playbook, the share of fired entities held out as a control group (<c>playbook: { holdout: 0.1, steps: [...] }</c>);
    /// playbooks written as a plain list of steps have none.
    /// </summary>
    public IReadOnlyDictionary<string, double> Holdouts { get; init; } = new Dictionary<string, double>(StringComparer.Ordinal);

    public static PlaybookConfig Parse(WorkspaceConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var r = config.Reader;
        var connectors = ParseConnectors(r, config.Section("connectors"));
        var playbooks = new Dictionary<string, IReadOnlyList<PlaybookStep>>(StringComparer.Ordinal);
        var holdouts = new Dictionary<string, double>(StringComparer.Ordinal);
        if (config.Section("playbooks") is { } pbs)
        {
            foreach (var (k, v) in pbs.Children)
            {
                var name = ((YamlScalarNode)k).Value ?? "";
                var (seq, holdout) = PlaybookSteps(r, v, $"playbooks.{name}");
                var steps = new List<PlaybookStep>();
                for (var i = 0; i < seq.Children.Count; i++)
                    steps.Add(ParseStep(r, r.RequireMap(seq.Children[i], $"playbooks.{name}[{i}]"), $"playbooks.{name}[{i}]", connectors));
                playbooks[name] = steps;
                if (holdout is { } h)
                    holdouts[name] = h;
            }
        }
        var triggers = TriggerParser.Parse(config);
        foreach (var t in triggers)
        {
            if (!playbooks.ContainsKey(t.Playbook))
            {
                var node = (YamlNode?)config.ListSection("triggers") ?? (YamlNode?)config.Section("triggers")!;
                throw r.Error(node, $"triggers.{t.Name}.playbook", $"unknown playbook '{t.Playbook}'; defined: {string.Join(", ", playbooks.Keys)}");
            }
        }
        return new PlaybookConfig(connectors, playbooks, triggers) { Holdouts = holdouts };
    }

    /// <summary>A playbook is a list of steps, or a mapping with <c>steps</c> and an optional <c>holdout</c> share in [0, 0.5].</summary>
    private static (YamlSequenceNode Steps, double? Holdout) PlaybookSteps(YamlConfigReader r, YamlNode node, string key)
    {
        if (node is YamlSequenceNode list)
            return (list, null);
        if (node is not YamlMappingNode map)
            throw r.Error(node, key, "expected a list of steps ('- connector: ...') or { holdout: 0.1, steps: [...] }");
        r.AllowOnly(map, key, "steps", "holdout");
        var steps = YamlConfigReader.Child(map, "steps") as YamlSequenceNode ?? throw r.Error(map, $"{key}.steps", "is required: a list of steps ('- connector: ...')");
        var holdout = r.Number(map, "holdout", $"{key}.holdout");
        if (holdout is < 0 or > MaxHoldout)
            throw r.Error(YamlConfigReader.Child(map, "holdout")!, $"{key}.holdout", $"{holdout} is not a share between 0 and {MaxHoldout}");
        return (steps, holdout);
    }

    private static Dictionary<string, ConnectorConfig> ParseConnectors(YamlConfigReader r, YamlMappingNode? section)
    {
        var map = new Dictionary<string, ConnectorConfig>(StringComparer.Ordinal);
        if (section is null)
            return map;
        foreach (var (k, v) in section.Children)
        {
            var name = ((YamlScalarNode)k).Value ?? "";
            var key = $"connectors.{name}";
            var node = r.RequireMap(v, key);
            var kind = r.RequireScalar(node, "kind", $"{key}.kind");
            var spec = ConnectorKinds.Find(kind)
                ?? throw r.Error(node, $"{key}.kind", $"unknown connector kind '{kind}'; use one of {string.Join(", ", ConnectorKinds.All.Select(s => s.Kind))}");
            r.AllowOnly(node, key, [.. spec.Required, .. spec.Optional, "kind"]);
            var settings = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (sk, _) in node.Children)
            {
                var s = ((YamlScalarNode)sk).Value ?? "";
                if (s != "kind")
                    settings[s] = r.RequireScalar(node, s, $"{key}.{s}");
            }
            if (settings.TryGetValue("timeout_seconds", out var t)
                && !(double.TryParse(t, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0))
                throw r.Error(node, $"{key}.timeout_seconds", $"'{t}' is not a positive number of seconds");
            foreach (var req in spec.Required)
            {
                if (!settings.ContainsKey(req))
                    throw r.Error(node, $"{key}.{req}", $"is required for a {kind} connector");
            }
            map[name] = new ConnectorConfig(name, kind, settings);
        }
        return map;
    }

    private static PlaybookStep ParseStep(YamlConfigReader r, YamlMappingNode node, string key, Dictionary<string, ConnectorConfig> connectors)
    {
        r.AllowOnly(node, key, "connector", "action", "template", "owner_attribute", "segment_attribute", "channel", "channels", "params");
        var connector = r.RequireScalar(node, "connector", $"{key}.connector");
        if (!connectors.TryGetValue(connector, out var c))
            throw r.Error(node, $"{key}.connector", $"unknown connector '{connector}'; defined: {string.Join(", ", connectors.Keys)}");
        var spec = ConnectorKinds.Find(c.Kind)!;
        var action = r.Scalar(node, "action", $"{key}.action") ?? spec.Actions[0];
        if (Array.IndexOf(spec.Actions, action) < 0)
            throw r.Error(node, $"{key}.action", $"a {c.Kind} connector does '{string.Join("' or '", spec.Actions)}', not '{action}'");
        var text = r.Scalar(node, "template", $"{key}.template") ?? "{{entity_id}} is {{tier}} ({{score}}) for {{goal}}: {{reason}}";
        var template = MessageTemplate.Parse(text, problem => r.Error(node, $"{key}.template", problem));
        return new PlaybookStep(
            connector, action, template,
            r.Scalar(node, "owner_attribute", $"{key}.owner_attribute") ?? "owner",
            r.Scalar(node, "segment_attribute", $"{key}.segment_attribute") ?? "segment",
            r.Scalar(node, "channel", $"{key}.channel"),
            StringMap(r, r.Map(node, "channels", $"{key}.channels"), $"{key}.channels"),
            StringMap(r, r.Map(node, "params", $"{key}.params"), $"{key}.params"));
    }

    private static Dictionary<string, string> StringMap(YamlConfigReader r, YamlMappingNode? node, string key)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is null)
            return map;
        foreach (var (k, _) in node.Children)
        {
            var name = ((YamlScalarNode)k).Value ?? "";
            var value = r.RequireScalar(node, name, $"{key}.{name}");
            if (value.Contains("${", StringComparison.Ordinal))
                throw r.Error(node, $"{key}.{name}", "secrets belong in the connector's settings, not in playbook params");
            map[name] = value;
        }
        return map;
    }
}
