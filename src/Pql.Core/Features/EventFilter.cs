using System.Collections.Immutable;

namespace Pql.Core.Features;

/// <summary>
/// Which events a feature reads. Every set constraint must hold (AND): the event's kind, its product, and
/// its name being one of <see cref="Events"/>. A null constraint is not checked; an empty
/// <see cref="Events"/> list matches no event.
/// </summary>
public sealed record EventFilter
{
    public static EventFilter All { get; } = new();

    public EventKind? Kind { get; init; }
    public string? Product { get; init; }
    public ImmutableArray<string>? Events { get; init; }

    public bool Matches(string eventName, EventKind kind, string? product) =>
        (Kind is null || Kind == kind)
        && (Product is null || Product == product)
        && (Events is not { } names || names.Contains(eventName));

    /// <summary>A stable text form, used as the identity of the filter and in docs/FEATURES.md.</summary>
    public string Describe()
    {
        var parts = new List<string>(3);
        if (Kind is { } k)
            parts.Add($"kind = {EventKindNames.Of(k)}");
        if (Product is { } p)
            parts.Add($"product = {p}");
        if (Events is { } e)
            parts.Add(e.IsEmpty ? "event in (none)" : $"event in ({string.Join(", ", e)})");
        return parts.Count == 0 ? "all events" : string.Join(" and ", parts);
    }
}
