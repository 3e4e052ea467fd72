using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Pql.Core.Workspace;

/// <summary>
/// Line-aware access to a YAML node tree: every error names the file, the line and the dotted key,
/// so each module can parse its own section of <c>pql.yaml</c> with the same quality of messages.
/// </summary>
public sealed class YamlConfigReader(string file)
{
    public string File { get; } = file;

    public static YamlMappingNode LoadRoot(string file, string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new ConfigException(file, ErrorLine(ex, text), "(yaml)", ex.InnerException?.Message ?? ex.Message);
        }
        if (stream.Documents.Count == 0)
            throw new ConfigException(file, 1, "(root)", "the file is empty; it needs at least 'data' and 'goals'");
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new ConfigException(file, (int)stream.Documents[0].RootNode.Start.Line, "(root)", "expected a mapping of sections (data, products, goals, ...)");
        return root;
    }

    /// <summary>
    /// The line to blame for a YAML syntax error. YamlDotNet reports a tab in the indentation at the start of the
    /// enclosing mapping (often line 1), so the first line at or after it that is indented with a tab is named instead.
    /// </summary>
    private static int ErrorLine(YamlException ex, string text)
    {
        var start = (int)ex.Start.Line;
        if (ex.Message.Contains("tab", StringComparison.OrdinalIgnoreCase))
        {
            var lines = text.Split('\n');
            for (var i = Math.Max(0, start - 1); i < lines.Length; i++)
            {
                var indent = lines[i].AsSpan(0, lines[i].Length - lines[i].AsSpan().TrimStart(" \t").Length);
                if (indent.Contains('\t'))
                    return i + 1;
            }
        }
        return start;
    }

    public ConfigException Error(YamlNode node, string key, string problem) =>
        new(File, (int)node.Start.Line, key, problem);

    public static YamlNode? Child(YamlMappingNode map, string name) =>
        map.Children.TryGetValue(new YamlScalarNode(name), out var v) ? v : null;

    public YamlMappingNode? Map(YamlMappingNode parent, string name, string path)
    {
        var node = Child(parent, name);
        if (node is null || IsNull(node))
            return null;
        return node as YamlMappingNode ?? throw Error(node, path, "expected a mapping");
    }

    public YamlMappingNode RequireMap(YamlNode node, string path) =>
        node as YamlMappingNode ?? throw Error(node, path, "expected a mapping");

    public string? Scalar(YamlMappingNode parent, string name, string path)
    {
        var node = Child(parent, name);
        if (node is null || IsNull(node))
            return null;
        return node is YamlScalarNode s ? s.Value : throw Error(node, path, "expected a single value");
    }

    public string RequireScalar(YamlMappingNode parent, string name, string path) =>
        Scalar(parent, name, path) ?? throw Error(parent, path, "is required");

    public IReadOnlyList<string> ScalarList(YamlMappingNode parent, string name, string path)
    {
        var node = Child(parent, name);
        if (node is null || IsNull(node))
            return [];
        if (node is YamlScalarNode single)
            return [single.Value ?? ""];
        if (node is not YamlSequenceNode seq)
            throw Error(node, path, "expected a list");
        var list = new List<string>(seq.Children.Count);
        foreach (var item in seq.Children)
            list.Add(item is YamlScalarNode s ? s.Value ?? "" : throw Error(item, path, "expected a list of values"));
        return list;
    }

    public long? DurationMs(YamlMappingNode parent, string name, string path)
    {
        var node = Child(parent, name);
        if (node is null || IsNull(node))
            return null;
        var text = node is YamlScalarNode s ? s.Value : null;
        return Duration.TryParseMs(text) ?? throw Error(node, path, $"'{text}' is not a duration; use Nd (days) or Nh (hours), e.g. 30d");
    }

    public double? Number(YamlMappingNode parent, string name, string path)
    {
        var text = Scalar(parent, name, path);
        if (text is null)
            return null;
        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v
            : throw Error(Child(parent, name)!, path, $"'{text}' is not a number");
    }

    public bool? Bool(YamlMappingNode parent, string name, string path)
    {
        var text = Scalar(parent, name, path);
        if (text is null)
            return null;
        return text.ToLowerInvariant() switch
        {
            "true" or "yes" or "on" => true,
            "false" or "no" or "off" => false,
            _ => throw Error(Child(parent, name)!, path, $"'{text}' is not true or false"),
        };
    }

    /// <summary>Rejects keys the section does not know, so a typo is an error, not a silent default.</summary>
    public void AllowOnly(YamlMappingNode map, string path, params string[] keys)
    {
        foreach (var (k, _) in map.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? "";
            if (Array.IndexOf(keys, name) < 0)
                throw Error(k, path.Length == 0 ? name : $"{path}.{name}", $"unknown key; expected one of: {string.Join(", ", keys)}");
        }
    }

    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Value: null or "" or "~" or "null" } s && s.Style == YamlDotNet.Core.ScalarStyle.Plain;
}
