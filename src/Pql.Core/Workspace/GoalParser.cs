using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Pql.Core.Workspace;

/// <summary>Parses the <c>goals</c> section into <see cref="GoalDefinition"/>s.</summary>
internal static class GoalParser
{
    /// <summary>Every goal that parses; each goal's first error goes to <paramref name="errors"/> and that goal is left out.</summary>
    public static List<GoalDefinition> ParseAll(YamlConfigReader r, YamlMappingNode goals, List<ConfigException> errors)
    {
        var list = new List<GoalDefinition>();
        foreach (var (k, v) in goals.Children)
        {
            var name = ((YamlScalarNode)k).Value ?? "";
            try
            {
                if (name.Length == 0 || name.Any(c => char.IsWhiteSpace(c) || c == ','))
                    throw r.Error(k, $"goals.{name}", "a goal name must be non-empty with no spaces or commas");
                list.Add(Parse(r, name, r.RequireMap(v, $"goals.{name}")));
            }
            catch (ConfigException ex)
            {
                errors.Add(ex);
            }
        }
        return list;
    }

    private static GoalDefinition Parse(YamlConfigReader r, string name, YamlMappingNode node)
    {
        var path = $"goals.{name}";
        r.AllowOnly(node, path, "entity", "achieved_when", "horizon", "description");
        var entityText = r.Scalar(node, "entity", $"{path}.entity") ?? "account";
        var entity = entityText switch
        {
            "account" => EntityKind.Account,
            "user" => EntityKind.User,
            _ => throw r.Error(YamlConfigReader.Child(node, "entity")!, $"{path}.entity", $"'{entityText}' is not an entity; use account or user"),
        };
        var horizon = r.DurationMs(node, "horizon", $"{path}.horizon") ?? throw r.Error(node, $"{path}.horizon", "is required (e.g. 30d)");
        var when = r.Map(node, "achieved_when", $"{path}.achieved_when") ?? throw r.Error(node, $"{path}.achieved_when", "is required");
        return new GoalDefinition(name, entity, ParseCondition(r, when, $"{path}.achieved_when"), horizon, (int)node.Start.Line);
    }

    private static GoalCondition ParseCondition(YamlConfigReader r, YamlMappingNode when, string path)
    {
        var kinds = new[] { "event", "inactive_for", "all", "any", "attribute" };
        var present = kinds.Where(k => YamlConfigReader.Child(when, k) is not null).ToList();
        if (present.Count != 1)
        {
            var unknown = when.Children.Keys.Select(k => ((YamlScalarNode)k).Value).FirstOrDefault(k => !kinds.Contains(k) && k != "where");
            throw r.Error(when, path, unknown is not null
                ? $"unknown goal kind '{unknown}'; use one of: event, inactive_for, all, any, attribute"
                : $"needs exactly one of: event, inactive_for, all, any, attribute");
        }
        switch (present[0])
        {
            case "event":
                r.AllowOnly(when, path, "event", "where");
                return new EventCondition(r.RequireScalar(when, "event", $"{path}.event"), Where(r, when, path));
            case "inactive_for":
                r.AllowOnly(when, path, "inactive_for");
                return new InactiveCondition(r.DurationMs(when, "inactive_for", $"{path}.inactive_for")!.Value);
            case "attribute":
                r.AllowOnly(when, path, "attribute");
                return new AttributeCondition(r.RequireScalar(when, "attribute", $"{path}.attribute"));
            default:
                var all = present[0] == "all";
                var listNode = YamlConfigReader.Child(when, present[0]);
                if (listNode is not YamlSequenceNode seq || seq.Children.Count == 0)
                    throw r.Error(listNode!, $"{path}.{present[0]}", "expected a non-empty list of { event: X, at_least: N }");
                var terms = new List<CountTerm>();
                for (var i = 0; i < seq.Children.Count; i++)
                {
                    var tp = $"{path}.{present[0]}[{i}]";
                    var term = r.RequireMap(seq.Children[i], tp);
                    r.AllowOnly(term, tp, "event", "at_least", "where");
                    var atLeastText = r.Scalar(term, "at_least", $"{tp}.at_least") ?? "1";
                    if (!int.TryParse(atLeastText, NumberStyles.None, CultureInfo.InvariantCulture, out var atLeast) || atLeast < 1)
                        throw r.Error(term, $"{tp}.at_least", $"'{atLeastText}' must be a whole number of at least 1");
                    terms.Add(new CountTerm(r.RequireScalar(term, "event", $"{tp}.event"), atLeast, Where(r, term, tp)));
                }
                return new CountCondition(all, terms);
        }
    }

    private static Dictionary<string, string> Where(YamlConfigReader r, YamlMappingNode node, string path)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var where = r.Map(node, "where", $"{path}.where");
        if (where is null)
            return map;
        foreach (var (k, v) in where.Children)
        {
            var key = ((YamlScalarNode)k).Value ?? "";
            map[key] = v is YamlScalarNode s ? s.Value ?? "" : throw r.Error(v, $"{path}.where.{key}", "expected a single value (equality filter)");
        }
        return map;
    }
}
