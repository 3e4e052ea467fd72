namespace Pql.Core.State;

/// <summary>What both stores share about feedback: checks and audit wording.</summary>
internal static class FeedbackRows
{
    public static void Check(string entityId, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(entityId);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
    }

    public static string Describe(FeedbackEntry e)
    {
        var until = e.CoolDownUntilMs is { } c
            ? " (cool-down until " + DateTimeOffset.FromUnixTimeMilliseconds(c).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) + ")"
            : "";
        return $"goal {e.Goal} entity {e.EntityId}: {FeedbackKinds.Name(e.Kind)}{until}: {e.Reason}";
    }
}
