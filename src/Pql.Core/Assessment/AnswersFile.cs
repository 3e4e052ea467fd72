using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Pql.Core.Workspace;
using YamlDotNet.RepresentationModel;

namespace Pql.Core.Assessment;

/// <summary>
/// Reads a self-assessment from a YAML or JSON answers file (JSON when the name ends in <c>.json</c>):
/// <code>
/// segment: pure_plg          # optional when --segment is given
/// levels:
///   data_integration: 3
///   activation: 2
///   usage_campaigns: 2
///   pql: 1
///   feedback_loop: 3
/// </code>
/// Every problem is one <see cref="PqlInputException"/> naming the file, the line when known, and the key.
/// </summary>
public static class AnswersFile
{
    private const string LevelsKey = "levels";
    private const string SegmentKey = "segment";

    private sealed record Entry(string Key, string? Value, int? Line);

    private sealed record Raw(Entry? Segment, Entry? Levels, List<Entry> Answers);

    /// <summary>Reads the file; <paramref name="segmentOverride"/> (from <c>--segment</c>) wins over the file's segment.</summary>
    public static AssessmentAnswers Load(string path, string? segmentOverride = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new PqlInputException($"{path}: answers file not found");
        return Parse(path, File.ReadAllText(path), segmentOverride);
    }

    public static AssessmentAnswers Parse(string path, string text, string? segmentOverride = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(text);
        var raw = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? ReadJson(path, text) : ReadYaml(path, text);
        return Validate(path, raw, segmentOverride);
    }

    private static AssessmentAnswers Validate(string path, Raw raw, string? segmentOverride)
    {
        SegmentBenchmark segment;
        if (!string.IsNullOrWhiteSpace(segmentOverride))
            segment = Segments.Parse(segmentOverride, "--segment");
        else if (raw.Segment is { Value: { Length: > 0 } key } entry)
            segment = Segments.Find(key) ?? throw Error(path, entry.Line, SegmentKey, $"unknown segment '{key}'; use one of: {Segments.KeyList}");
        else
            throw Error(path, raw.Segment?.Line, SegmentKey, $"missing; set it to one of: {Segments.KeyList} (or pass --segment)");

        if (raw.Levels is null)
            throw Error(path, null, LevelsKey, $"missing; give a level from 1 to 5 for each of: {DimensionKeys}");
        var levels = new int[Rubric.Dimensions.Length];
        foreach (var answer in raw.Answers)
        {
            var key = $"{LevelsKey}.{answer.Key}";
            if (!Rubric.TryFind(answer.Key, out var dimension))
                throw Error(path, answer.Line, key, $"unknown dimension; use one of: {DimensionKeys}");
            if (levels[(int)dimension.Dimension] != 0)
                throw Error(path, answer.Line, key, $"'{dimension.Key}' is answered twice");
            if (!int.TryParse(answer.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var level))
                throw Error(path, answer.Line, key, $"'{answer.Value}' is not a level; use a whole number from 1 to 5");
            if (level is < Rubric.MinLevel or > Rubric.MaxLevel)
                throw Error(path, answer.Line, key, $"level {level} is outside 1-5 (1 {Rubric.LevelNames[0]} ... 5 {Rubric.LevelNames[4]})");
            levels[(int)dimension.Dimension] = level;
        }
        var missing = Rubric.Dimensions.Where(d => levels[(int)d.Dimension] == 0).Select(d => d.Key).ToList();
        if (missing.Count > 0)
            throw Error(path, raw.Levels.Line, LevelsKey, $"missing {string.Join(", ", missing)}; every dimension needs a level from 1 to 5");
        return new AssessmentAnswers(segment, ImmutableArray.Create(levels));
    }

    private static string DimensionKeys => string.Join(", ", Rubric.Dimensions.Select(d => d.Key));

    private static PqlInputException Error(string path, int? line, string key, string problem) =>
        line is { } l ? new ConfigException(path, l, key, problem) : new PqlInputException($"{Path.GetFileName(path)} key '{key}': {problem}");

    private static Raw ReadYaml(string path, string text)
    {
        var r = new YamlConfigReader(path);
        var root = LoadRoot(path, text);
        r.AllowOnly(root, "", SegmentKey, LevelsKey);
        var segmentNode = YamlConfigReader.Child(root, SegmentKey);
        var segment = segmentNode is null ? null : new Entry(SegmentKey, r.Scalar(root, SegmentKey, SegmentKey), (int)segmentNode.Start.Line);
        var levelsNode = r.Map(root, LevelsKey, LevelsKey);
        var answers = new List<Entry>();
        if (levelsNode is not null)
        {
            foreach (var (k, v) in levelsNode.Children)
            {
                var name = ((YamlScalarNode)k).Value ?? "";
                if (v is not YamlScalarNode value)
                    throw r.Error(v, $"{LevelsKey}.{name}", "expected a level from 1 to 5");
                answers.Add(new Entry(name, value.Value, (int)k.Start.Line));
            }
        }
        if (levelsNode is null)
            return new Raw(segment, null, answers);
        var levelsKeyLine = root.Children.Keys.First(k => ((YamlScalarNode)k).Value == LevelsKey).Start.Line;
        return new Raw(segment, new Entry(LevelsKey, null, (int)levelsKeyLine), answers);
    }

    /// <summary>The document's root mapping; an empty file or a root that is not a mapping says what the file needs.</summary>
    private static YamlMappingNode LoadRoot(string path, string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            throw new ConfigException(path, (int)ex.Start.Line, "(yaml)", ex.InnerException?.Message ?? ex.Message);
        }
        if (stream.Documents.Count == 0)
            throw Error(path, null, "(root)", "the file is empty; it needs 'segment' and 'levels'");
        return stream.Documents[0].RootNode as YamlMappingNode
               ?? throw Error(path, (int)stream.Documents[0].RootNode.Start.Line, "(root)", "expected a mapping with 'segment' and 'levels'");
    }

    private static Raw ReadJson(string path, string text)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new PqlInputException($"{Path.GetFileName(path)}:{ex.LineNumber + 1}: not valid JSON ({ex.Message})", ex);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw Error(path, null, "(root)", "expected an object with 'segment' and 'levels'");
            Entry? segment = null, levels = null;
            var answers = new List<Entry>();
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                switch (property.Name)
                {
                    case SegmentKey:
                        segment = new Entry(SegmentKey, property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText(), null);
                        break;
                    case LevelsKey:
                        if (property.Value.ValueKind != JsonValueKind.Object)
                            throw Error(path, null, LevelsKey, "expected an object of dimension -> level");
                        levels = new Entry(LevelsKey, null, null);
                        foreach (var answer in property.Value.EnumerateObject())
                        {
                            var value = answer.Value.ValueKind == JsonValueKind.String ? answer.Value.GetString() : answer.Value.GetRawText();
                            answers.Add(new Entry(answer.Name, value, null));
                        }
                        break;
                    default:
                        throw Error(path, null, property.Name, $"unknown key; expected one of: {SegmentKey}, {LevelsKey}");
                }
            }
            return new Raw(segment, levels, answers);
        }
    }
}
