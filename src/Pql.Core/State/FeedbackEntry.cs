using Pql.Core.Scoring;

namespace Pql.Core.State;

/// <summary>One piece of feedback on an entity's score for a goal, with who gave it and when.</summary>
public sealed record FeedbackEntry(long Id, string Goal, string EntityId, FeedbackKind Kind, string Reason, long? CoolDownUntilMs, string By, long CreatedMs);

/// <summary>The stored names of <see cref="FeedbackKind"/> (also the CLI's and the API's words).</summary>
public static class FeedbackKinds
{
    public static string Name(FeedbackKind kind) => kind switch
    {
        FeedbackKind.FalsePositive => "false_positive",
        FeedbackKind.FalseNegative => "false_negative",
        _ => "disqualified",
    };

    public static FeedbackKind? Parse(string? text) => text switch
    {
        "false_positive" => FeedbackKind.FalsePositive,
        "false_negative" => FeedbackKind.FalseNegative,
        "disqualified" => FeedbackKind.Disqualified,
        _ => null,
    };
}
