using System.Globalization;
using System.Text;
using Pql.Core.Workspace;

namespace Pql.Core.Playbooks;

/// <summary>
/// A message template with <c>{{name}}</c> holes: entity_id, goal, score, previous_score, tier, previous_tier, trigger,
/// reason, drivers (top drivers by contribution), moved_drivers, owner, channel, drifted_features (drift alerts), and <c>{{attributes.NAME}}</c>.
/// Unknown names are rejected when the config is read, not when a message is sent.
/// </summary>
public sealed class MessageTemplate
{
    public static readonly string[] Names =
        ["entity_id", "goal", "score", "previous_score", "tier", "previous_tier", "trigger", "reason", "drivers", "moved_drivers", "owner", "channel", "drifted_features"];

    private readonly List<(bool Hole, string Text)> _parts;

    private MessageTemplate(string text, List<(bool, string)> parts)
    {
        Text = text;
        _parts = parts;
    }

    public string Text { get; }

    /// <summary>Parses the template; <paramref name="error"/> builds the config error for a bad hole.</summary>
    public static MessageTemplate Parse(string text, Func<string, ConfigException> error)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(error);
        var parts = new List<(bool, string)>();
        var pos = 0;
        while (pos < text.Length)
        {
            var open = text.IndexOf("{{", pos, StringComparison.Ordinal);
            if (open < 0)
            {
                parts.Add((false, text[pos..]));
                break;
            }
            var close = text.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
                throw error($"'{{{{' at position {open} has no closing '}}}}'");
            if (open > pos)
                parts.Add((false, text[pos..open]));
            var name = text[(open + 2)..close].Trim();
            var known = Array.IndexOf(Names, name) >= 0 || (name.StartsWith("attributes.", StringComparison.Ordinal) && name.Length > 11);
            if (!known)
                throw error($"unknown placeholder '{{{{{name}}}}}'; use one of {string.Join(", ", Names)} or attributes.NAME");
            parts.Add((true, name));
            pos = close + 2;
        }
        return new MessageTemplate(text, parts);
    }

    /// <summary>Fills the holes from <paramref name="values"/>; a missing attribute renders empty.</summary>
    public string Render(IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sb = new StringBuilder();
        foreach (var (hole, text) in _parts)
            sb.Append(hole ? values.GetValueOrDefault(text, "") : text);
        return sb.ToString();
    }

    internal static string Number(double? v) => v is { } x ? x.ToString("0.00", CultureInfo.InvariantCulture) : "";
}
