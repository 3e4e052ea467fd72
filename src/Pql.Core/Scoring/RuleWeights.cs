using System.Globalization;
using Pql.Core.Workspace;
using YamlDotNet.RepresentationModel;

namespace Pql.Core.Scoring;

/// <summary>
/// The <c>rules:</c> section of pql.yaml: per goal, operator weights on named features, e.g.
/// <c>rules: { conversion: { adoption.products_adopted: 3, activity.active_days_30d: 1 } }</c>.
/// </summary>
public static class RuleWeights
{
    /// <summary>
    /// The weights for <paramref name="goal"/>, or null when the section or the goal's entry is absent.
    /// Unknown feature names and non-numeric weights are a <see cref="ConfigException"/> naming the line and key.
    /// </summary>
    public static IReadOnlyDictionary<string, double>? Parse(WorkspaceConfig config, string goal, IReadOnlyCollection<string> featureNames)
    {
        ArgumentNullException.ThrowIfNull(config);
        var section = config.Section("rules");
        return section is null ? null : Parse(config.Reader, section, goal, featureNames);
    }

    public static IReadOnlyDictionary<string, double>? Parse(YamlConfigReader reader, YamlMappingNode rules, string goal, IReadOnlyCollection<string> featureNames)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(featureNames);
        var map = reader.Map(rules, goal, $"rules.{goal}");
        if (map is null)
            return null;
        var known = featureNames as ISet<string> ?? new HashSet<string>(featureNames, StringComparer.Ordinal);
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in map.Children)
        {
            var name = ((YamlScalarNode)keyNode).Value ?? "";
            var path = $"rules.{goal}.{name}";
            if (!known.Contains(name))
            {
                var hint = string.Join(", ", featureNames.Where(f => f.StartsWith(name.Split('.')[0] + ".", StringComparison.Ordinal)).Take(5));
                throw reader.Error(keyNode, path, $"unknown feature '{name}'" + (hint.Length > 0 ? $"; similar features: {hint}" : ""));
            }
            if (valueNode is not YamlScalarNode { Value: { } text }
                || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var weight)
                || !double.IsFinite(weight))
                throw reader.Error(valueNode, path, "expected a number (the feature's weight), e.g. 3 or -0.5");
            result[name] = weight;
        }
        return result.Count == 0 ? null : result;
    }
}
