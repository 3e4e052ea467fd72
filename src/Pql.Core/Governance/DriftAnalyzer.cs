using Pql.Core.Features;

namespace Pql.Core.Governance;

/// <summary>
/// Measures a scored population against a version's training snapshot: each feature of the snapshot and the score, overall and
/// in each segment the snapshot kept (a segment with fewer than <see cref="TrainingSnapshot.MinSegmentRows"/> entities now is
/// left out: too few to compare). A feature the current rows no longer have counts as all missing.
/// </summary>
public static class DriftAnalyzer
{
    /// <summary>The default threshold, the one Evidently and similar tools use for these distances on large samples.</summary>
    public const double DefaultThreshold = 0.1;

    public static DriftReport Compare(TrainingSnapshot snapshot, long asOfMs, FeatureMatrix matrix, double[] scores,
        IReadOnlyList<IReadOnlyDictionary<string, string>> attributes, double threshold = DefaultThreshold)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(attributes);
        var all = Group(snapshot.All, matrix, scores, null, threshold);
        var rows = TrainingSnapshot.SegmentRows(attributes, snapshot.SegmentAttribute);
        var segments = new List<DriftGroup>();
        foreach (var reference in snapshot.Segments)
        {
            if (rows.TryGetValue(reference.Segment, out var picked))
                segments.Add(Group(reference, matrix, scores, picked, threshold));
        }
        return new DriftReport(snapshot.Goal, snapshot.Version, snapshot.AsOfMs, asOfMs, threshold, snapshot.SegmentAttribute, all, segments);
    }

    private static DriftGroup Group(SnapshotGroup reference, FeatureMatrix matrix, double[] scores, int[]? rows, double threshold)
    {
        var n = rows?.Length ?? matrix.RowCount;
        var features = new FeatureDrift[reference.Features.Count];
        Parallel.For(0, features.Length, f =>
        {
            var r = reference.Features[f];
            var at = matrix.IndexOf(r.Feature);
            var column = at >= 0 ? matrix.Columns[at] : Missing(r, matrix.RowCount);
            features[f] = Measure(r, FeatureDistribution.Of(column, rows), FeatureDistribution.Pick(column.Values, rows), threshold);
        });
        var picked = rows is null ? scores : Array.ConvertAll(rows, i => scores[i]);
        var score = Measure(reference.Score, FeatureDistribution.Numeric("score", picked), picked, threshold);
        return new DriftGroup(reference.Segment, reference.Rows, n, score, features);
    }

    /// <summary>One measure: the distance for the kind (normalized Wasserstein or Jensen-Shannon) and PSI beside it.</summary>
    public static FeatureDrift Measure(FeatureDistribution reference, FeatureDistribution current, ReadOnlySpan<double> currentValues, double threshold)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        double distance, psi;
        string method;
        if (reference.Kind == FeatureDistribution.CategoricalKind)
        {
            distance = DriftMeasures.JensenShannon(reference.Categories, current.Categories);
            psi = DriftMeasures.Psi(reference.Categories, current.Categories);
            method = "jensen_shannon";
        }
        else
        {
            distance = DriftMeasures.NumericDistance(reference, current);
            psi = DriftMeasures.Psi(reference.Shares, FeatureDistribution.BinShares(currentValues, reference.Edges));
            method = "wasserstein";
        }
        return new FeatureDrift(reference.Feature, reference.Kind, method, distance, psi, distance > threshold,
            reference.MissingShare, current.MissingShare);
    }

    private static FeatureColumn Missing(FeatureDistribution reference, int rows)
    {
        var values = new float[rows];
        Array.Fill(values, float.NaN);
        return new FeatureColumn
        {
            Name = reference.Feature,
            Kind = reference.Kind == FeatureDistribution.CategoricalKind ? FeatureKind.Categorical : FeatureKind.Numeric,
            Values = values,
        };
    }
}
