using Pql.Core.Events;

namespace Pql.Core.Labels;

/// <summary>Matches events by name and an equality filter on kept properties.</summary>
internal sealed class EventMatcher
{
    private readonly EventStore _store;
    private readonly int _name;
    private readonly (PropertyColumn Column, int Code)[] _filters;
    private readonly bool _impossible;

    public EventMatcher(EventStore store, string eventName, IReadOnlyDictionary<string, string> where)
    {
        _store = store;
        _name = store.EventNames.Find(eventName);
        var filters = new List<(PropertyColumn, int)>();
        foreach (var (key, value) in where)
        {
            if (!store.Properties.TryGetValue(key, out var column) || column.Values.Find(value) is var code && code < 0)
            {
                _impossible = true;
                continue;
            }
            filters.Add((column, code));
        }
        _filters = [.. filters];
        _impossible |= _name < 0;
    }

    public bool Matches(int eventIndex)
    {
        if (_impossible || _store.EventName[eventIndex] != _name)
            return false;
        foreach (var (column, code) in _filters)
        {
            if (column.CodeOf(eventIndex) != code)
                return false;
        }
        return true;
    }
}
