using System.Text.Json;
using Pql.Core.Features;
using Pql.Core.Workspace;

namespace Pql.Core.Governance;

/// <summary>The distributions of one group of entities: every feature the model reads and the score.</summary>
public sealed record SnapshotGroup(string Segment, int Rows, IReadOnlyList<FeatureDistribution> Features, FeatureDistribution Score);

/// <summary>
/// What drift is measured against: the population a version would score at its training as-of (every eligible entity),
/// each feature's distribution and the score's, overall and per segment. Kept beside the artifact as
/// <c>.pql/models/GOAL/VERSION.snapshot.json</c>, so it travels with the version whichever state store is used.
/// </summary>
public sealed record TrainingSnapshot
{
    /// <summary>The name of the whole population's group.</summary>
    public const string Overall = "(all)";

    /// <summary>Attribute read for segments when the tier policy names none.</summary>
    public const string DefaultSegmentAttribute = "segment";

    /// <summary>A segment is kept when it has at least this many entities (smaller ones are too noisy to compare).</summary>
    public const int MinSegmentRows = 30;

    /// <summary>At most this many segments are kept, the largest first.</summary>
    public const int MaxSegments = 20;

    public required string Goal { get; init; }
    public required string Version { get; init; }
    public required long AsOfMs { get; init; }
    public string? SegmentAttribute { get; init; }
    public required SnapshotGroup All { get; init; }
    public IReadOnlyList<SnapshotGroup> Segments { get; init; } = [];

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = false };

    /// <summary>Where a version's snapshot lives: beside its artifact.</summary>
    public static string PathFor(string artifactPath)
    {
        ArgumentNullException.ThrowIfNull(artifactPath);
        return Path.ChangeExtension(artifactPath, null) + ".snapshot.json";
    }

    /// <summary>
    /// The snapshot of a scored population: the features the model reads (in its order) and the scores, overall and for each
    /// value of <paramref name="segmentAttribute"/> with enough entities.
    /// </summary>
    public static TrainingSnapshot Build(string goal, string version, long asOfMs, FeatureMatrix matrix, IReadOnlyList<string> modelFeatures,
        double[] scores, IReadOnlyList<IReadOnlyDictionary<string, string>> attributes, string? segmentAttribute)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(modelFeatures);
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(attributes);
        var columns = modelFeatures.Select(matrix.IndexOf).Where(i => i >= 0).Select(i => matrix.Columns[i]).ToArray();
        var segments = SegmentRows(attributes, segmentAttribute);
        return new TrainingSnapshot
        {
            Goal = goal,
            Version = version,
            AsOfMs = asOfMs,
            SegmentAttribute = segments.Count > 0 ? segmentAttribute : null,
            All = Group(Overall, columns, scores, null),
            Segments = [.. segments.Select(s => Group(s.Key, columns, scores, s.Value))],
        };
    }

    /// <summary>The segment attribute of a goal: the tier policy's, else <c>segment</c>.</summary>
    public static string SegmentAttributeOf(string? tierSegmentAttribute) => tierSegmentAttribute ?? DefaultSegmentAttribute;

    /// <summary>Rows per segment value with at least <see cref="MinSegmentRows"/> rows, the largest <see cref="MaxSegments"/>, by name.</summary>
    public static Dictionary<string, int[]> SegmentRows(IReadOnlyList<IReadOnlyDictionary<string, string>> attributes, string? attribute)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var rows = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        if (attribute is not null)
        {
            for (var i = 0; i < attributes.Count; i++)
            {
                if (attributes[i].TryGetValue(attribute, out var value) && value.Length > 0)
                {
                    if (!rows.TryGetValue(value, out var list))
                        rows[value] = list = [];
                    list.Add(i);
                }
            }
        }
        return rows.Where(p => p.Value.Count >= MinSegmentRows)
            .OrderByDescending(p => p.Value.Count).ThenBy(p => p.Key, StringComparer.Ordinal).Take(MaxSegments)
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>Distributions of the given rows (all when null).</summary>
    public static SnapshotGroup Group(string name, IReadOnlyList<FeatureColumn> columns, double[] scores, int[]? rows)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(scores);
        var features = new FeatureDistribution[columns.Count];
        Parallel.For(0, features.Length, f => features[f] = FeatureDistribution.Of(columns[f], rows));
        var picked = rows is null ? scores : Array.ConvertAll(rows, r => scores[r]);
        return new SnapshotGroup(name, picked.Length, features, FeatureDistribution.Numeric("score", picked));
    }

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, s_json));

    /// <summary>Reads a version's snapshot; a missing or unreadable file is one line naming it.</summary>
    public static TrainingSnapshot Load(string path)
    {
        if (!File.Exists(path))
            throw new PqlInputException($"{path}: this version has no training snapshot (it was trained before snapshots were kept); train again to measure drift");
        try
        {
            return JsonSerializer.Deserialize<TrainingSnapshot>(File.ReadAllText(path), s_json)
                ?? throw new PqlInputException($"{path}: empty training snapshot");
        }
        catch (JsonException e)
        {
            throw new PqlInputException($"{path}: unreadable training snapshot: {e.Message}", e);
        }
    }
}
