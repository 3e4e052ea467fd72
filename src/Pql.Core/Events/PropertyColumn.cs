namespace Pql.Core.Events;

/// <summary>
/// One event property that a feature or goal needs, stored sparsely: only events that carry the key
/// have an entry. Entries are sorted by event index (the store's sorted order).
/// </summary>
public sealed class PropertyColumn
{
    public required string Key { get; init; }
    /// <summary>Event indices (into the store's sorted arrays) that carry this key, ascending.</summary>
    public required int[] EventIndex { get; init; }
    /// <summary>Value code per entry, into <see cref="Values"/>.</summary>
    public required int[] ValueCode { get; init; }
    public required StringPool Values { get; init; }

    /// <summary>The value code of an event's property, or -1 when the event does not carry it.</summary>
    public int CodeOf(int eventIndex)
    {
        var i = Array.BinarySearch(EventIndex, eventIndex);
        return i >= 0 ? ValueCode[i] : -1;
    }
}
