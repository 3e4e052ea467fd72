using Pql.Core.Features;
using Pql.Core.Scoring;
using Pql.Core.Workspace;
using YamlDotNet.RepresentationModel;

namespace Pql.Core.Application;

/// <summary>
/// Entry-by-entry checks of the <c>features</c>, <c>event_kinds</c> and <c>rules</c> sections: their parsers stop at the first
/// error, so each entry is parsed on its own (in a copy of the config holding only it) and every broken entry is reported.
/// </summary>
internal static class SectionChecks
{
    /// <summary>The feature config, or the default after adding an error for each broken entry of <c>features</c> and <c>event_kinds</c>.</summary>
    public static FeatureConfig Features(List<ConfigException> errors, WorkspaceConfig config)
    {
        try
        {
            return FeatureConfig.Parse(config);
        }
        catch (ConfigException first)
        {
            var found = new List<ConfigException>();
            foreach (var entry in Entries(config.Section("features")))
                TryFeatures(found, With(config, ("features", [entry]), ("event_kinds", [])), entry.Key);
            // Kinds accumulate, so an event given two kinds is reported at the later entry, as the whole parse would.
            var kinds = new List<KeyValuePair<YamlNode, YamlNode>>();
            foreach (var entry in Entries(config.Section("event_kinds")))
            {
                kinds.Add(entry);
                TryFeatures(found, With(config, ("features", []), ("event_kinds", kinds)), entry.Key);
            }
            errors.AddRange(found.Count > 0 ? found : [first]);
            return FeatureConfig.Default;
        }
    }

    /// <summary>
    /// Checks <c>rules</c>: each entry names a goal and holds numeric weights; with <paramref name="featureNames"/> (known once the
    /// data is loaded) each weight's feature must also exist for that goal's entity.
    /// </summary>
    public static void Rules(List<ConfigException> errors, WorkspaceConfig config, Func<GoalDefinition, IReadOnlyCollection<string>>? featureNames = null)
    {
        var reader = config.Reader;
        foreach (var (goalKey, value) in Entries(config.Section("rules")))
        {
            var name = (goalKey as YamlScalarNode)?.Value ?? "";
            var goal = config.Goals.FirstOrDefault(g => g.Name == name);
            if (goal is null)
            {
                errors.Add(reader.Error(goalKey, $"rules.{name}", $"unknown goal '{name}'; goals are: {string.Join(", ", config.Goals.Select(g => g.Name))}"));
                continue;
            }
            if (value is not YamlMappingNode weights)
            {
                errors.Add(reader.Error(value, $"rules.{name}", "expected a mapping of feature names to weights, e.g. { adoption.products_adopted: 3 }"));
                continue;
            }
            var known = featureNames?.Invoke(goal);
            foreach (var weight in weights.Children)
            {
                var only = new YamlMappingNode(new KeyValuePair<YamlNode, YamlNode>(goalKey, new YamlMappingNode(weight)));
                try
                {
                    RuleWeights.Parse(reader, only, name, known ?? [(weight.Key as YamlScalarNode)?.Value ?? ""]);
                }
                catch (ConfigException ex)
                {
                    errors.Add(ex);
                }
            }
        }
    }

    private static void TryFeatures(List<ConfigException> errors, WorkspaceConfig only, YamlNode entry)
    {
        try
        {
            FeatureConfig.Parse(only);
        }
        catch (ConfigException ex)
        {
            // An error about the copy's own section node carries no line: point it at the entry.
            errors.Add(ex.Line < entry.Start.Line ? new ConfigException(ex.File, (int)entry.Start.Line, ex.Key, ex.Problem) : ex);
        }
    }

    private static IEnumerable<KeyValuePair<YamlNode, YamlNode>> Entries(YamlMappingNode? section) => section is null ? [] : section.Children;

    private static WorkspaceConfig With(WorkspaceConfig config, (string Name, IEnumerable<KeyValuePair<YamlNode, YamlNode>> Entries) a,
        (string Name, IEnumerable<KeyValuePair<YamlNode, YamlNode>> Entries) b)
    {
        var sections = new Dictionary<string, YamlMappingNode>(config.Sections)
        {
            [a.Name] = new YamlMappingNode(a.Entries),
            [b.Name] = new YamlMappingNode(b.Entries),
        };
        return config with { Sections = sections };
    }
}
