using Pql.Core.Learning.Artifacts;
using Pql.Core.Learning.Evaluation;

namespace Pql.Core.Governance;

/// <summary>
/// A new version beside the current one: both measured on the new version's selection window (the same rows, the same
/// bootstrap resamples, so the intervals are paired), and both scoring the same population at as-of, tiered by the same policy.
/// </summary>
public sealed record VersionComparison
{
    public required string CurrentVersion { get; init; }
    public required string CandidateVersion { get; init; }
    public required OutcomeMetrics Current { get; init; }
    public required OutcomeMetrics Candidate { get; init; }
    /// <summary>Candidate ROC AUC minus current, with its paired bootstrap interval.</summary>
    public required Interval RocAucDifference { get; init; }
    public required IReadOnlyList<string> TierNames { get; init; }
    /// <summary>Entities by [current tier, new tier], in <see cref="TierNames"/> order.</summary>
    public required int[,] TierMoves { get; init; }
    public required IReadOnlyList<string> FeaturesAdded { get; init; }
    public required IReadOnlyList<string> FeaturesDropped { get; init; }
    public required IReadOnlyList<ArtifactImportance> TopInputsBefore { get; init; }
    public required IReadOnlyList<ArtifactImportance> TopInputsAfter { get; init; }

    /// <summary>
    /// True when both versions are measured out of sample (the current one was trained before the window's outcomes were known,
    /// the new one by its fit before the refit); false when both final models are measured, either of which may have seen the window.
    /// </summary>
    public bool OutOfSample { get; init; }

    /// <summary>Entities scored at as-of by both versions.</summary>
    public int Entities
    {
        get
        {
            var n = 0;
            foreach (var c in TierMoves)
                n += c;
            return n;
        }
    }

    /// <summary>The share of entities whose tier differs between the two versions.</summary>
    public double TierMoveShare
    {
        get
        {
            var moved = 0;
            for (var i = 0; i < TierMoves.GetLength(0); i++)
            {
                for (var j = 0; j < TierMoves.GetLength(1); j++)
                    moved += i == j ? 0 : TierMoves[i, j];
            }
            return Entities == 0 ? 0 : (double)moved / Entities;
        }
    }

    /// <summary>Top inputs shown before and after.</summary>
    public const int TopInputs = 10;

    public static VersionComparison Compare(ModelArtifact current, ModelArtifact candidate, ReadOnlySpan<byte> labels,
        ReadOnlySpan<double> currentSelection, ReadOnlySpan<double> candidateSelection,
        IReadOnlyList<string> tierNames, IReadOnlyList<string> currentTiers, IReadOnlyList<string> candidateTiers, int seed = 42)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(tierNames);
        ArgumentNullException.ThrowIfNull(currentTiers);
        ArgumentNullException.ThrowIfNull(candidateTiers);
        var before = BootstrapMetrics.Rounds(currentSelection, labels, null, BootstrapMetrics.DefaultRounds, seed, null);
        var after = BootstrapMetrics.Rounds(candidateSelection, labels, null, BootstrapMetrics.DefaultRounds, seed, null);
        var oldNames = current.Features.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var newNames = candidate.Features.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        return new VersionComparison
        {
            CurrentVersion = Version(current),
            CandidateVersion = Version(candidate),
            Current = before.Summarise(),
            Candidate = after.Summarise(),
            RocAucDifference = BootstrapTable.Difference(after.RocAuc, before.RocAuc),
            TierNames = tierNames,
            TierMoves = Moves(tierNames, currentTiers, candidateTiers),
            FeaturesAdded = [.. candidate.Features.Select(f => f.Name).Where(n => !oldNames.Contains(n)).Order(StringComparer.Ordinal)],
            FeaturesDropped = [.. current.Features.Select(f => f.Name).Where(n => !newNames.Contains(n)).Order(StringComparer.Ordinal)],
            TopInputsBefore = [.. current.TopInputs.Take(TopInputs)],
            TopInputsAfter = [.. candidate.TopInputs.Take(TopInputs)],
        };
    }

    /// <summary>Counts of entities by (tier under the current version, tier under the new one).</summary>
    public static int[,] Moves(IReadOnlyList<string> tierNames, IReadOnlyList<string> before, IReadOnlyList<string> after)
    {
        ArgumentNullException.ThrowIfNull(tierNames);
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        if (before.Count != after.Count)
            throw new ArgumentException("one tier per entity under each version is required");
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < tierNames.Count; i++)
            index[tierNames[i]] = i;
        var moves = new int[tierNames.Count, tierNames.Count];
        for (var i = 0; i < before.Count; i++)
            moves[index[before[i]], index[after[i]]]++;
        return moves;
    }

    private static string Version(ModelArtifact artifact) => artifact.Metadata.GetValueOrDefault("version", "(unknown)");
}
