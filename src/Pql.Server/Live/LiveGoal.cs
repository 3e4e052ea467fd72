using Pql.Core.Learning;
using Pql.Core.Learning.Artifacts;
using Pql.Core.Scoring;
using Pql.Core.State;

namespace Pql.Server.Live;

/// <summary>
/// What the rescorer keeps for a goal between passes, so a pass costs what its touched entities cost: the current model, parsed
/// once per version, and each entity's latest recorded row (read from the state store once, then kept in step with every run
/// the rescorer records). The rows only pick which entities to explain before recording; the recording itself plans against the
/// stored rows under the goal's lock, so a row written by another process can at worst leave a firing unexplained, and then
/// <see cref="Stale"/> makes the next pass read the rows again.
/// </summary>
internal sealed class LiveGoal(string goal)
{
    private Dictionary<string, EntityScore>? _latest;

    public string Goal { get; } = goal;

    /// <summary>The loaded model's version; null before the first load.</summary>
    public string? Version { get; private set; }

    public ScoringModel? Model { get; private set; }

    /// <summary>The model of this version, parsed from its artifact on the first call after a version change only.</summary>
    public ScoringModel ModelOf(string version, string artifactPath)
    {
        if (Model is null || !string.Equals(Version, version, StringComparison.Ordinal))
        {
            Model = ModelArtifact.Load(artifactPath).ToModel();
            Version = version;
        }
        return Model;
    }

    /// <summary>Each entity's latest row, read from the state store after a start or <see cref="Stale"/>.</summary>
    public async Task<IReadOnlyDictionary<string, EntityScore>> LatestAsync(IScoreHistory history, CancellationToken cancellationToken)
    {
        _latest ??= new Dictionary<string, EntityScore>(await history.LatestScoresAsync(Goal, cancellationToken).ConfigureAwait(false), StringComparer.Ordinal);
        return _latest;
    }

    /// <summary>Keeps the rows in step with a recorded run (its rows as stored: overrides applied).</summary>
    public void Recorded(IReadOnlyList<EntityScore> rows)
    {
        if (_latest is null)
            return;
        foreach (var row in rows)
            _latest[row.EntityId] = row;
    }

    /// <summary>Forgets the rows: another writer recorded runs (a schedule, a CLI run), read them again next pass.</summary>
    public void Stale() => _latest = null;
}
