using Pql.Core.Scoring;
using Pql.Core.State;
using Pql.Core.Workspace;

namespace Pql.Core.Application;

/// <summary>Feedback on one entity's score: the kind, why, and for a disqualification how long it keeps the entity out of training.</summary>
public sealed record FeedbackRequest(string Workspace, string Goal, string EntityId, FeedbackKind Kind, string Reason) : UseCaseRequest(Workspace)
{
    /// <summary>How long a disqualified entity stays out of training (default <see cref="FeedbackService.DefaultCoolDownMs"/>); other kinds have none.</summary>
    public long? CoolDownMs { get; init; }
}

/// <summary>
/// Feedback from sales and success (false positive, false negative, disqualified), stored with who and when. How the next retrain uses it:
/// see <c>Scoring/FeedbackWeights</c>.
/// </summary>
public static class FeedbackService
{
    /// <summary>90 days.</summary>
    public const long DefaultCoolDownMs = 90 * Duration.MsPerDay;

    public static async Task<FeedbackEntry> RecordAsync(IStateStore state, WorkspaceConfig config, FeedbackRequest request, TimeProvider time,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(time);
        config.Goal(request.Goal);
        if (string.IsNullOrWhiteSpace(request.EntityId))
            throw new PqlInputException("feedback: name the entity (--entity)");
        if (string.IsNullOrWhiteSpace(request.Reason))
            throw new PqlInputException("feedback: a reason is required (--reason)");
        if (request.CoolDownMs is not null && request.Kind != FeedbackKind.Disqualified)
            throw new PqlInputException("feedback: a cool-down applies to 'disqualified' only");
        if (request.CoolDownMs is <= 0)
            throw new PqlInputException("feedback: the cool-down must be a positive duration such as 90d (--cool-down)");
        long? until = request.Kind == FeedbackKind.Disqualified
            ? time.GetUtcNow().ToUnixTimeMilliseconds() + (request.CoolDownMs ?? DefaultCoolDownMs)
            : null;
        return await state.RecordFeedbackAsync(request.Goal, request.EntityId.Trim(), request.Kind, request.Reason.Trim(), until, request.By, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>The goal's feedback, oldest first.</summary>
    public static Task<IReadOnlyList<FeedbackEntry>> ListAsync(IStateStore state, WorkspaceConfig config, string goal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(config);
        return state.FeedbackAsync(config.Goal(goal).Name, cancellationToken);
    }
}
