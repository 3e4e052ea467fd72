using Pql.Core.Events;
using Pql.Core.Workspace;

namespace Pql.Core.Labels;

/// <summary>Uniform access to one entity's events in time order, for accounts (contiguous) and users (through the user index).</summary>
internal readonly struct EntityEvents
{
    private readonly int[]? _order;
    private readonly int _start;

    public EntityEvents(EventStore store, EntityKind kind, int entity)
    {
        if (kind == EntityKind.Account)
        {
            _order = null;
            _start = store.AccountOffsets[entity];
            Count = store.AccountOffsets[entity + 1] - _start;
        }
        else
        {
            var (order, offsets) = store.UserIndex();
            _order = order;
            _start = offsets[entity];
            Count = offsets[entity + 1] - _start;
        }
    }

    public int Count { get; }

    /// <summary>The store's event index of the i-th event of this entity.</summary>
    public int this[int i] => _order is null ? _start + i : _order[_start + i];
}
