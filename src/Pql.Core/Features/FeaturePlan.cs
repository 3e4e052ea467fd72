using System.Diagnostics;
using Pql.Core.Events;
using Pql.Core.Workspace;

namespace Pql.Core.Features;

/// <summary>
/// The definitions of one entity level compiled against a store: the distinct event filters become slots,
/// the distinct windows become nested levels, and a lookup table gives the slots of each (event name, product)
/// so the evaluator touches every event once per row.
/// </summary>
internal sealed class FeaturePlan
{
    public const long DayMs = Duration.MsPerDay;
    public const long WeekMs = 7 * DayMs;
    /// <summary>Week masks keep product bits 0..62 and this bit for "any event".</summary>
    public const ulong AnyBit = 1UL << 63;

    public EventStore Store { get; }
    public EntityKind Entity { get; }
    public IReadOnlyList<FeatureDefinition> Definitions { get; }
    public CompiledColumn[] Columns { get; }

    /// <summary>Window lengths in ms, ascending; an event's level is the first window containing it (Windows.Length = older).</summary>
    public long[] WindowMs { get; }
    public int Levels => WindowMs.Length + 1;

    public int SlotCount { get; }
    /// <summary>Slots of an event: SlotTable[name * ProductStride + product + 1].</summary>
    public int[][] SlotTable { get; }
    public int ProductStride { get; }
    /// <summary>Per slot, its index among the slots whose distinct users are tracked, or -1.</summary>
    public int[] UserSlotOf { get; }
    public int UserSlotCount { get; }
    public int AllSlot { get; }
    public bool NeedRollup { get; }
    public bool NeedWeeks { get; }
    public int SlopeWeeks { get; }
    public bool NeedProducts { get; }
    /// <summary>Gaps between active days and month-end days are tracked (cadence family).</summary>
    public bool NeedCadence { get; }
    /// <summary>Days at the end of a calendar month that count as month-end days.</summary>
    public int MonthEndDays { get; }
    /// <summary>Machine and human events are counted (automation family).</summary>
    public bool NeedMachine { get; }
    /// <summary>Per event name code, whether the name is automated (machine activity).</summary>
    public bool[] AutomatedName { get; }

    /// <summary>Metric family columns exist: the sketch reads the store's metrics table.</summary>
    public bool NeedMetrics { get; }
    /// <summary>Per metric name code of the store's metrics table, its group (named metrics by catalogue order, then the pooled set), or -1.</summary>
    public int[] MetricGroupOf { get; } = [];
    public int MetricGroups { get; }

    /// <summary>Catalogue product index of each store product code (-1 = no columns).</summary>
    public int[] ProductIndex { get; }
    public int ProductCount { get; }
    public ulong ProductBits { get; }
    public int OrderDepth { get; }
    /// <summary>Category code of an adoption order keyed by <see cref="OrderKey(ReadOnlySpan{int}, int)"/>, -1 when not a level.</summary>
    public int[] OrderCode { get; }

    /// <summary>The one (filter, property) whose distinct values are counted, or -1.</summary>
    public int TrackerSlot { get; }
    public PropertyColumn? TrackerColumn { get; }
    /// <summary>Per property value code, the CountOfValue counter, or -1.</summary>
    public int[] TrackerCounterOf { get; }
    public int TrackerCounters { get; }
    /// <summary>Identities: property values first, then event names (for events without the property).</summary>
    public int IdentityCount { get; }

    /// <summary>Users of each account (CSR) and each user's position in its account's list.</summary>
    public int[] AccountUserOffsets { get; }
    public int[] AccountUsers { get; }
    public int[] UserLocal { get; }
    public int MaxLocalUsers { get; }
    public int MaxUserEvents { get; }

    public FeaturePlan(EventStore store, FeatureCatalogue catalogue, EntityKind entity)
    {
        Store = store;
        Entity = entity;
        Definitions = catalogue.For(entity);
        WindowMs = [.. Definitions.SelectMany(d => new[] { d.WindowDays, d.BaselineDays }).Where(w => w > 0).Distinct().Order().Select(w => w * DayMs)];

        var products = catalogue.Products;
        ProductCount = products.Count;
        ProductIndex = new int[store.Products.Count];
        for (var p = 0; p < ProductIndex.Length; p++)
            ProductIndex[p] = IndexOf(products, store.Products[p]);
        ProductBits = ProductCount >= 63 ? ~AnyBit : (1UL << ProductCount) - 1;

        var filters = new List<EventFilter>();
        var keys = new Dictionary<string, int>(StringComparer.Ordinal);
        int Slot(EventFilter f)
        {
            var key = f.Describe();
            if (!keys.TryGetValue(key, out var s))
            {
                s = filters.Count;
                keys[key] = s;
                filters.Add(f);
            }
            return s;
        }
        var userSlots = new HashSet<int>();
        var columns = new CompiledColumn[Definitions.Count];
        var trackerSlot = -1;
        string? trackerKey = null;
        var needAll = false;
        for (var c = 0; c < columns.Length; c++)
        {
            var d = Definitions[c];
            var slot = Slot(d.Filter);
            switch (d.Aggregation)
            {
                case Aggregation.ActiveUsers or Aggregation.ActiveUserShare:
                    userSlots.Add(slot);
                    break;
                case Aggregation.InviteesActive:
                    needAll = true;
                    break;
                case Aggregation.UserMaxCount or Aggregation.UserMeanCount or Aggregation.UserMaxActiveDays or Aggregation.UserMeanActiveDays
                    or Aggregation.UserTopShare or Aggregation.UserTopDayShare:
                    Debug.Assert(d.Filter == EventFilter.All, "user roll-ups read all events");
                    NeedRollup = true;
                    break;
                case Aggregation.PerAttributeUnit:
                    needAll = true;
                    break;
                case Aggregation.MeanGapDays or Aggregation.GapVariation or Aggregation.LongestGapDays or Aggregation.OverdueRatio or Aggregation.MonthEndShare:
                    NeedCadence = true;
                    if (d.Aggregation == Aggregation.MonthEndShare)
                        MonthEndDays = d.Parameter;
                    break;
                case Aggregation.MachineCount or Aggregation.HumanCount or Aggregation.MachineShare or Aggregation.DaysSinceLastHuman:
                    NeedMachine = true;
                    break;
                case Aggregation.RecentActiveWeekShare or Aggregation.WeeklyVariation:
                    SlopeWeeks = Math.Max(SlopeWeeks, d.Parameter);
                    NeedWeeks = true;
                    break;
                case Aggregation.DistinctValues or Aggregation.CountOfValue or Aggregation.DistinctValuesPerActiveUser or Aggregation.Reconnects:
                    if (trackerSlot >= 0 && (trackerSlot != slot || trackerKey != d.Key))
                        throw new InvalidOperationException($"{d.Name}: one (filter, property) pair for distinct values per catalogue");
                    trackerSlot = slot;
                    trackerKey = d.Key;
                    needAll |= d.Aggregation == Aggregation.DistinctValuesPerActiveUser;
                    break;
                case Aggregation.WeeklySlope:
                    SlopeWeeks = Math.Max(SlopeWeeks, d.Parameter);
                    NeedWeeks = true;
                    break;
                case Aggregation.WeeksBoth or Aggregation.ActiveWeeks or Aggregation.MultiProductWeeks or Aggregation.MultiProductWeekShare
                    or Aggregation.StreakCurrent or Aggregation.StreakLongest or Aggregation.MultiProductShareRecentWeeks or Aggregation.ActiveWeekShare:
                    NeedWeeks = true;
                    break;
                case Aggregation.ProductsAdopted or Aggregation.AdoptedProductAt or Aggregation.AdoptionOrder or Aggregation.DaysBetweenAdoptions
                    or Aggregation.DaysSignupToAdoption or Aggregation.AdoptionRank or Aggregation.ReturnRate:
                    NeedProducts = true;
                    break;
            }
            columns[c] = Compile(d, slot, products);
        }
        (NeedMetrics, MetricGroupOf, MetricGroups) = MetricGroupsOf(store, catalogue, Definitions, columns);
        AllSlot = needAll || NeedRollup ? Slot(EventFilter.All) : keys.GetValueOrDefault(EventFilter.All.Describe(), -1);
        if (needAll)
            userSlots.Add(AllSlot);
        Columns = columns;
        SlotCount = filters.Count;
        UserSlotOf = new int[SlotCount];
        for (var s = 0; s < SlotCount; s++)
            UserSlotOf[s] = userSlots.Contains(s) ? UserSlotCount++ : -1;

        AutomatedName = new bool[store.EventNames.Count];
        foreach (var name in catalogue.AutomatedEvents)
        {
            var code = store.EventNames.Find(name);
            if (code >= 0)
                AutomatedName[code] = true;
        }
        ProductStride = store.Products.Count + 1;
        SlotTable = BuildSlotTable(store, catalogue.Config, filters);

        OrderDepth = Definitions.Where(d => d.Aggregation == Aggregation.AdoptionOrder).Select(d => d.Parameter).DefaultIfEmpty(0).Max();
        OrderCode = OrderCodes(ProductCount, OrderDepth);

        TrackerSlot = trackerSlot;
        TrackerColumn = trackerKey is not null && store.Properties.TryGetValue(trackerKey, out var col) ? col : null;
        TrackerCounterOf = new int[TrackerColumn?.Values.Count ?? 0];
        Array.Fill(TrackerCounterOf, -1);
        for (var c = 0; c < columns.Length; c++)
        {
            if (columns[c].Aggregation != Aggregation.CountOfValue || TrackerColumn is null)
                continue;
            var v = TrackerColumn.Values.Find(Definitions[c].Value);
            if (v >= 0)
            {
                TrackerCounterOf[v] = TrackerCounters;
                columns[c] = columns[c] with { A = TrackerCounters++ };
            }
        }
        IdentityCount = TrackerCounterOf.Length + store.EventNames.Count;

        (AccountUserOffsets, AccountUsers, UserLocal) = UsersByAccount(store);
        for (var a = 0; a < store.AccountCount; a++)
            MaxLocalUsers = Math.Max(MaxLocalUsers, AccountUserOffsets[a + 1] - AccountUserOffsets[a]);
        if (entity == EntityKind.User)
        {
            MaxLocalUsers = 1;
            var (_, offsets) = store.UserIndex();
            for (var u = 0; u < store.UserCount; u++)
                MaxUserEvents = Math.Max(MaxUserEvents, offsets[u + 1] - offsets[u]);
        }
    }

    /// <summary>Groups the store's metric names as the catalogue does and points each metric column (A) at its group.</summary>
    private static (bool Need, int[] GroupOf, int Groups) MetricGroupsOf(EventStore store, FeatureCatalogue catalogue, IReadOnlyList<FeatureDefinition> definitions, CompiledColumn[] columns)
    {
        var need = false;
        for (var c = 0; c < columns.Length && !need; c++)
            need = IsMetric(columns[c].Aggregation);
        if (!need)
            return (false, [], 0);
        var names = store.Metrics.Names;
        var groupOf = new int[names.Count];
        Array.Fill(groupOf, -1);
        var named = catalogue.NamedMetrics;
        for (var g = 0; g < named.Count; g++)
        {
            var code = names.Find(named[g]);
            if (code >= 0)
                groupOf[code] = g;
        }
        foreach (var pooled in catalogue.PooledMetrics)
        {
            var code = names.Find(pooled);
            if (code >= 0)
                groupOf[code] = named.Count;
        }
        for (var c = 0; c < columns.Length; c++)
        {
            if (IsMetric(columns[c].Aggregation))
                columns[c] = columns[c] with { A = definitions[c].Key is { } key ? IndexOf(named, key) : named.Count };
        }
        return (true, groupOf, named.Count + 1);
    }

    public static bool IsMetric(Aggregation a) =>
        a is Aggregation.MetricSum or Aggregation.MetricMean or Aggregation.MetricTrend or Aggregation.MetricLast or Aggregation.MetricDaysSinceLast;

    /// <summary>Dense key of an adoption order prefix: digits base (products + 1), 0 = none.</summary>
    public int OrderKey(ReadOnlySpan<int> sequence, int length) => OrderKey(sequence, length, OrderDepth, ProductCount);

    public static int OrderKey(ReadOnlySpan<int> sequence, int length, int depth, int productCount)
    {
        var key = 0;
        for (var i = 0; i < depth; i++)
            key = key * (productCount + 1) + (i < length ? sequence[i] + 1 : 0);
        return key;
    }

    /// <summary>The category code of each adoption order prefix by <see cref="OrderKey(ReadOnlySpan{int}, int, int, int)"/>, -1 when not a level.</summary>
    public static int[] OrderCodes(int productCount, int depth)
    {
        var codes = new int[depth == 0 ? 0 : (int)Math.Pow(productCount + 1, depth)];
        Array.Fill(codes, -1);
        if (depth > 0)
        {
            var sequences = FeatureCatalogue.OrderSequences(productCount, depth);
            for (var i = 0; i < sequences.Count; i++)
                codes[OrderKey(sequences[i], sequences[i].Length, depth, productCount)] = i;
        }
        return codes;
    }

    /// <summary>The level index of a window (all history = the last level).</summary>
    public int LevelOf(int windowDays) => windowDays <= 0 ? WindowMs.Length : Array.IndexOf(WindowMs, windowDays * DayMs);

    private CompiledColumn Compile(FeatureDefinition d, int slot, IReadOnlyList<string> products)
    {
        var a = d.ProductA is null ? -1 : IndexOf(products, d.ProductA);
        var b = d.ProductB is null ? -1 : IndexOf(products, d.ProductB);
        var ofUser = d.Value == "user";
        AttributeColumn? attr = null;
        if (d.Aggregation == Aggregation.AttributeValue)
            attr = ofUser ? Store.UserAttribute(d.Key!) : Store.AccountAttribute(d.Key!);
        else if (d.Aggregation == Aggregation.PerAttributeUnit)
            attr = Store.AccountAttribute(d.Key!);
        return new CompiledColumn(d.Aggregation, slot, LevelOf(d.WindowDays), LevelOf(d.BaselineDays), d.Parameter, a, b,
            d.WindowDays, d.BaselineDays, attr, ofUser);
    }

    private int[][] BuildSlotTable(EventStore store, FeatureConfig config, List<EventFilter> filters)
    {
        var table = new int[store.EventNames.Count * ProductStride][];
        var buffer = new List<int>(filters.Count);
        for (var n = 0; n < store.EventNames.Count; n++)
        {
            var name = store.EventNames[n];
            var kind = config.KindOf(name);
            for (var p = -1; p < store.Products.Count; p++)
            {
                var product = p < 0 ? null : store.Products[p];
                buffer.Clear();
                for (var s = 0; s < filters.Count; s++)
                {
                    if (filters[s].Matches(name, kind, product))
                        buffer.Add(s);
                }
                table[n * ProductStride + p + 1] = [.. buffer];
            }
        }
        return table;
    }

    /// <summary>Users of each account (CSR offsets and user codes) and each user's position in its account's list.</summary>
    public static (int[] Offsets, int[] Users, int[] Local) UsersByAccount(EventStore store)
    {
        var offsets = new int[store.AccountCount + 1];
        foreach (var a in store.UserAccount)
            offsets[a + 1]++;
        for (var a = 0; a < store.AccountCount; a++)
            offsets[a + 1] += offsets[a];
        var users = new int[store.UserCount];
        var local = new int[store.UserCount];
        var next = (int[])offsets.Clone();
        for (var u = 0; u < store.UserCount; u++)
        {
            var a = store.UserAccount[u];
            local[u] = next[a] - offsets[a];
            users[next[a]++] = u;
        }
        return (offsets, users, local);
    }

    private static int IndexOf(IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == value)
                return i;
        }
        return -1;
    }
}
