namespace Pql.Core.Governance;

/// <summary>One feature's (or the score's) drift in one group: the distance the threshold applies to, and PSI beside it.</summary>
public sealed record FeatureDrift(string Feature, string Kind, string Method, double Distance, double Psi, bool Drifted,
    double ReferenceMissingShare, double CurrentMissingShare);

/// <summary>The drift of one group of entities (everyone, or one segment).</summary>
public sealed record DriftGroup(string Segment, int ReferenceRows, int CurrentRows, FeatureDrift Score, IReadOnlyList<FeatureDrift> Features);

/// <summary>
/// A goal's drift at <see cref="AsOfMs"/> against the training snapshot of its current version: per feature and on the score,
/// overall and per segment. A measure drifts when its distance is above <see cref="Threshold"/>.
/// </summary>
public sealed record DriftReport(string Goal, string Version, long ReferenceAsOfMs, long AsOfMs, double Threshold, string? SegmentAttribute,
    DriftGroup All, IReadOnlyList<DriftGroup> Segments)
{
    /// <summary>Names that drift overall or in any segment ("score" for the score), largest distance first.</summary>
    public IReadOnlyList<string> Drifted => DriftedAbove(Threshold);

    /// <summary>The names whose distance is above <paramref name="threshold"/> anywhere, largest first (a trigger may set its own).</summary>
    public IReadOnlyList<string> DriftedAbove(double threshold) =>
        [.. Measures().Where(m => m.Drift.Distance > threshold)
            .GroupBy(m => m.Drift.Feature, StringComparer.Ordinal)
            .Select(g => (Name: g.Key, Max: g.Max(m => m.Drift.Distance)))
            .OrderByDescending(p => p.Max).ThenBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => p.Name)];

    /// <summary>Every measure with its group: the overall group first, then the segments.</summary>
    public IEnumerable<(string Segment, FeatureDrift Drift)> Measures()
    {
        foreach (var g in Segments.Prepend(All))
        {
            yield return (g.Segment, g.Score);
            foreach (var f in g.Features)
                yield return (g.Segment, f);
        }
    }
}
