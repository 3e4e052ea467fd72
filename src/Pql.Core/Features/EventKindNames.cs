namespace Pql.Core.Features;

/// <summary>The snake_case names of event kinds used in pql.yaml and in feature names.</summary>
public static class EventKindNames
{
    public static IReadOnlyList<EventKind> All { get; } = [EventKind.FeatureUse, EventKind.Integration, EventKind.Collaboration, EventKind.Lifecycle];

    public static string Of(EventKind kind) => kind switch
    {
        EventKind.FeatureUse => "feature_use",
        EventKind.Integration => "integration",
        EventKind.Collaboration => "collaboration",
        EventKind.Lifecycle => "lifecycle",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static EventKind? Parse(string name) => name switch
    {
        "feature_use" => EventKind.FeatureUse,
        "integration" => EventKind.Integration,
        "collaboration" => EventKind.Collaboration,
        "lifecycle" => EventKind.Lifecycle,
        _ => null,
    };
}
