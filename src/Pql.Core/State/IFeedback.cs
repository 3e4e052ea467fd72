using Pql.Core.Scoring;

namespace Pql.Core.State;

/// <summary>Feedback from the people who work the accounts, kept with who gave it and when, and read by the next retrain.</summary>
public interface IFeedback
{
    /// <summary>Stores one piece of feedback and its audit line in one transaction; returns it with its id and time.</summary>
    Task<FeedbackEntry> RecordFeedbackAsync(string goal, string entityId, FeedbackKind kind, string reason, long? coolDownUntilMs, Actor by,
        CancellationToken cancellationToken = default);

    /// <summary>The goal's feedback, oldest first.</summary>
    Task<IReadOnlyList<FeedbackEntry>> FeedbackAsync(string goal, CancellationToken cancellationToken = default);
}
