using Pql.Core.Events;

namespace Pql.Core.Features.Sql;

/// <summary>
/// What the backends returned for one (entity, cutoff): the integer measures, the product mask of each week with an event, and the
/// counts of each user with an event, plus what the small accounts and users tables say about the entity. Column values are derived
/// from this with <see cref="FeatureFormulas"/>.
/// </summary>
internal sealed class SqlRow(SqlFeaturePlan plan)
{
    private readonly long[] _first = new long[plan.Products.Count];
    private readonly long[] _last = new long[plan.Products.Count];
    private readonly int[] _adopted = new int[plan.Products.Count];
    private int _adoptedCount = -1;

    public long[] Measures { get; set; } = [];
    public long Cutoff { get; set; }
    /// <summary>The entity's code in the store (account or user per the plan).</summary>
    public int Entity { get; set; }
    /// <summary>Product mask (plus <see cref="FeaturePlan.AnyBit"/>) of week k before the one ending at the cutoff, up to <see cref="KMax"/>.</summary>
    public ulong[] Weeks { get; private set; } = new ulong[64];
    public int KMax { get; private set; } = -1;
    /// <summary>Per user of the entity's account with an event by the cutoff: its store code and its <see cref="SqlFeaturePlan.UserMeasures"/>.</summary>
    public List<(int User, long[] Values)> Users { get; } = [];
    /// <summary>The entity's active days by the cutoff, ascending, each with its last event time (from the per-day query).</summary>
    public List<(long Day, long Last)> Days { get; } = [];
    /// <summary>The gaps between <see cref="Days"/>, fed in order as the in-memory scan feeds them.</summary>
    public DayGaps Gaps => _gaps;
    private DayGaps _gaps;

    public EventStore Store => plan.Store;

    /// <summary>The account of the row (the entity, or the user's account).</summary>
    public int Account => plan.Entity == Workspace.EntityKind.Account ? Entity : Store.UserAccount[Entity];

    /// <summary>The entity's creation time: the account's, or the user's for user rows.</summary>
    public long Signup => plan.Entity == Workspace.EntityKind.Account ? Store.AccountCreatedAt[Entity] : Store.UserCreatedAt[Entity];

    public ReadOnlySpan<int> AccountUsers
    {
        get
        {
            int lo = plan.AccountUserOffsets[Account], hi = plan.AccountUserOffsets[Account + 1];
            return plan.AccountUsersList.AsSpan(lo, hi - lo);
        }
    }

    public void Reset(long[] measures, long cutoff, int entity)
    {
        Measures = measures;
        Cutoff = cutoff;
        Entity = entity;
        if (KMax >= 0)
            Array.Clear(Weeks, 0, KMax + 1);
        KMax = -1;
        Users.Clear();
        Days.Clear();
        _gaps.Reset();
        _adoptedCount = -1;
    }

    /// <summary>Adds the active days of the per-day query (any order).</summary>
    public void AddDays(List<(long Day, long Last)> days)
    {
        Days.AddRange(days);
        Days.Sort((a, b) => a.Day.CompareTo(b.Day));
        foreach (var (day, _) in Days)
            _gaps.Add(day);
    }

    public void AddWeek(int k, ulong productMask)
    {
        if (k >= Weeks.Length)
        {
            var grown = Weeks;
            Array.Resize(ref grown, Math.Max(k + 1, Weeks.Length * 2));
            Weeks = grown;
        }
        Weeks[k] |= productMask | FeaturePlan.AnyBit;
        KMax = Math.Max(KMax, k);
    }

    /// <summary>Catalogue products in adoption order (first use, then index).</summary>
    public ReadOnlySpan<int> Adopted => _adopted.AsSpan(0, Adopt());

    /// <summary>First use per catalogue product (<see cref="FeatureFormulas.None"/> when unused).</summary>
    public long[] FirstUse
    {
        get
        {
            Adopt();
            return _first;
        }
    }

    public long[] LastUse
    {
        get
        {
            Adopt();
            return _last;
        }
    }

    private int Adopt()
    {
        if (_adoptedCount < 0)
        {
            for (var p = 0; p < _first.Length; p++)
            {
                var (n, f, l) = plan.ProductMeasures[p];
                var used = Measures[n] > 0;
                _first[p] = used ? Measures[f] : FeatureFormulas.None;
                _last[p] = used ? Measures[l] : FeatureFormulas.None;
            }
            _adoptedCount = FeatureFormulas.AdoptionOrder(_first, _adopted);
        }
        return _adoptedCount;
    }
}
