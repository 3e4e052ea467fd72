using Pql.Core.Scoring;

namespace Pql.Core.State;

/// <summary>Score history: every scoring run of every goal with its entity rows.</summary>
public interface IScoreHistory
{
    /// <summary>
    /// Records one run atomically and serialized per workspace and goal: inside one transaction that holds a lock the database
    /// keeps (SQLite: <c>BEGIN IMMEDIATE</c>; PostgreSQL: <c>pg_advisory_xact_lock</c> on workspace and goal), it reads each entity's
    /// latest row for <paramref name="goal"/>, passes them to <paramref name="plan"/> (which evaluates the triggers and plans the
    /// actions), then writes the run, its firings, its outbox actions and an audit line by <paramref name="actor"/>. Two processes
    /// recording the same goal at once therefore see each other's run as the previous one, and an action is queued once.
    /// </summary>
    Task<RunRecording> RecordRunAsync(string goal, Func<IReadOnlyDictionary<string, EntityScore>, RunRecording> plan, Actor actor,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="RecordRunAsync(string, Func{IReadOnlyDictionary{string, EntityScore}, RunRecording}, Actor, CancellationToken)"/>
    /// with the previous rows read for <paramref name="entities"/> only (by the entity index), not for every entity the goal ever
    /// scored: pql serve records a few touched entities per pass, and the full read grows with the whole score history. The plan
    /// must look up only those entities (the trigger engine looks up the run's own rows).
    /// </summary>
    Task<RunRecording> RecordEntitiesRunAsync(string goal, IReadOnlyCollection<string> entities, Func<IReadOnlyDictionary<string, EntityScore>, RunRecording> plan,
        Actor actor, CancellationToken cancellationToken = default);

    /// <summary>Runs of a goal, oldest first.</summary>
    Task<IReadOnlyList<RunSummary>> RunsAsync(string goal, CancellationToken cancellationToken = default);

    /// <summary>A stored run with its rows, or null.</summary>
    Task<ScoreRun?> LoadRunAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>For each entity ever scored for the goal, its row from the latest run that scored it (no lock: for reads and dry runs).</summary>
    Task<IReadOnlyDictionary<string, EntityScore>> LatestScoresAsync(string goal, CancellationToken cancellationToken = default);
}
