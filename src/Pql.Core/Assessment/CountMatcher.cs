using Pql.Core.Events;
using Pql.Core.Workspace;

namespace Pql.Core.Assessment;

/// <summary>
/// Evaluates count terms (<c>{ event: X, at_least: N, where: {...} }</c>) event by event with names and property
/// values resolved to codes once, so the per-event check compares integers.
/// </summary>
internal sealed class CountMatcher
{
    private readonly EventStore _store;
    private readonly int[] _name;
    private readonly int[] _atLeast;
    private readonly (PropertyColumn Column, int Code)[][] _where;
    private readonly bool _requireAll;

    public CountMatcher(EventStore store, IReadOnlyList<CountTerm> terms, bool requireAll)
    {
        _store = store;
        _requireAll = requireAll;
        _name = new int[terms.Count];
        _atLeast = new int[terms.Count];
        _where = new (PropertyColumn, int)[terms.Count][];
        for (var t = 0; t < terms.Count; t++)
        {
            var term = terms[t];
            _name[t] = store.EventNames.Find(term.Event);
            _atLeast[t] = term.AtLeast;
            var filters = new (PropertyColumn, int)[term.Where.Count];
            var i = 0;
            foreach (var (key, value) in term.Where)
            {
                // A filter on a property the store did not keep, or on a value never seen, can never match.
                var code = store.Properties.TryGetValue(key, out var column) ? column.Values.Find(value) : -1;
                if (code < 0)
                {
                    _name[t] = -1;
                    break;
                }
                filters[i++] = (column!, code);
            }
            _where[t] = filters;
        }
    }

    public int TermCount => _name.Length;

    /// <summary>Counts event <paramref name="e"/> into the terms it matches; true once the condition holds.</summary>
    public bool Count(int e, int[] counts)
    {
        var name = _store.EventName[e];
        var changed = false;
        for (var t = 0; t < _name.Length; t++)
        {
            if (_name[t] != name || !MatchesWhere(t, e))
                continue;
            counts[t]++;
            changed = true;
        }
        return changed && Holds(counts);
    }

    private bool MatchesWhere(int t, int e)
    {
        foreach (var (column, code) in _where[t])
        {
            if (column.CodeOf(e) != code)
                return false;
        }
        return true;
    }

    private bool Holds(int[] counts)
    {
        for (var t = 0; t < _name.Length; t++)
        {
            var met = counts[t] >= _atLeast[t];
            if (met && !_requireAll)
                return true;
            if (!met && _requireAll)
                return false;
        }
        return _requireAll;
    }
}
