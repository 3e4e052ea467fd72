namespace Pql.Core.Events;

/// <summary>
/// Appends a small store of later events to a loaded one without reloading: the result is the store the loader would build from
/// the same rows read in the same order (events sorted by account, then time, then load order, so within an account the earlier
/// store's events come first on equal times). The later store must share the earlier one's account and user codes (it is built by
/// a builder seeded with them, see <c>Ingest/AppendedEvents</c>); its event names, products and property values are recoded into
/// the earlier store's dictionaries (copied when they lack a value, never changed). Entity columns are shared, not copied. Costs one pass over the events
/// and no parsing.
/// </summary>
public static class StoreAppend
{
    public static EventStore Append(EventStore earlier, EventStore later)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        ArgumentNullException.ThrowIfNull(later);
        if (later.AccountCount != earlier.AccountCount || later.UserCount != earlier.UserCount)
            throw new ArgumentException("the later store must have the earlier store's accounts and users", nameof(later));
        var (nameCode, eventNames) = Recode(later.EventNames, earlier.EventNames);
        var (productCode, products) = Recode(later.Products, earlier.Products);
        var n = earlier.EventCount + later.EventCount;
        var accounts = earlier.AccountCount;
        var offsets = new int[accounts + 1];
        var account = new int[n];
        var user = new int[n];
        var time = new long[n];
        var name = new int[n];
        var product = new int[n];
        var fromEarlier = new int[earlier.EventCount];
        var fromLater = new int[later.EventCount];
        var merge = new Merge(earlier, later, nameCode, productCode, account, user, time, name, product, fromEarlier, fromLater);
        for (var a = 0; a < accounts; a++)
        {
            offsets[a] = merge.K;
            merge.Account(a);
        }
        merge.Flush();
        var k = merge.K;
        offsets[accounts] = k;
        return new EventStore
        {
            AccountIds = earlier.AccountIds,
            AccountCreatedAt = earlier.AccountCreatedAt,
            AccountAttributes = earlier.AccountAttributes,
            UserIds = earlier.UserIds,
            UserAccount = earlier.UserAccount,
            UserCreatedAt = earlier.UserCreatedAt,
            UserAttributes = earlier.UserAttributes,
            EventNames = eventNames,
            Products = products,
            EventAccount = account,
            EventUser = user,
            EventTime = time,
            EventName = name,
            EventProduct = product,
            AccountOffsets = offsets,
            Properties = Properties(earlier, later, fromEarlier, fromLater),
            Metrics = earlier.Metrics, // appended events carry no metric rows
        };
    }

    /// <summary>
    /// The merge of one account after another. The earlier store's events are copied in blocks (runs of whole accounts without
    /// later events, and each account's events up to its first later one are contiguous in both stores), so a pass costs a few
    /// memory copies of the loaded columns, not a comparison per loaded event; later events and the loaded events they
    /// interleave with are merged one by one.
    /// </summary>
    private sealed class Merge(EventStore earlier, EventStore later, int[] nameCode, int[] productCode, int[] account, int[] user, long[] time,
        int[] name, int[] product, int[] fromEarlier, int[] fromLater)
    {
        private int _blockFrom = -1; // first earlier event of the block not copied yet
        private int _blockTo;        // end of that block
        private int _blockAt;        // where it goes

        public int K { get; private set; }

        public void Account(int a)
        {
            int i = earlier.AccountOffsets[a], iEnd = earlier.AccountOffsets[a + 1];
            int j = later.AccountOffsets[a], jEnd = later.AccountOffsets[a + 1];
            if (j == jEnd)
            {
                Block(i, iEnd, a);
                return;
            }
            // Loaded events at or before the first later one keep their order and come first (ties go to the earlier store).
            var split = UpperBound(earlier.EventTime, i, iEnd, later.EventTime[j]);
            Block(i, split, a);
            Flush();
            i = split;
            while (i < iEnd || j < jEnd)
            {
                if (j >= jEnd || (i < iEnd && earlier.EventTime[i] <= later.EventTime[j]))
                {
                    account[K] = a;
                    user[K] = earlier.EventUser[i];
                    time[K] = earlier.EventTime[i];
                    name[K] = earlier.EventName[i];
                    product[K] = earlier.EventProduct[i];
                    fromEarlier[i++] = K++;
                }
                else
                {
                    account[K] = a;
                    user[K] = later.EventUser[j];
                    time[K] = later.EventTime[j];
                    name[K] = nameCode[later.EventName[j]];
                    product[K] = later.EventProduct[j] < 0 ? -1 : productCode[later.EventProduct[j]];
                    fromLater[j++] = K++;
                }
            }
        }

        /// <summary>Adds earlier events [from, to) of account a to the pending block (they follow it in both stores).</summary>
        private void Block(int from, int to, int a)
        {
            if (from == to)
                return;
            if (_blockFrom < 0)
                (_blockFrom, _blockAt) = (from, K);
            _blockTo = to;
            account.AsSpan(K, to - from).Fill(a);
            K += to - from;
        }

        public void Flush()
        {
            if (_blockFrom < 0)
                return;
            var n = _blockTo - _blockFrom;
            Array.Copy(earlier.EventUser, _blockFrom, user, _blockAt, n);
            Array.Copy(earlier.EventTime, _blockFrom, time, _blockAt, n);
            Array.Copy(earlier.EventName, _blockFrom, name, _blockAt, n);
            Array.Copy(earlier.EventProduct, _blockFrom, product, _blockAt, n);
            var shift = _blockAt - _blockFrom;
            for (var i = _blockFrom; i < _blockTo; i++)
                fromEarlier[i] = i + shift;
            _blockFrom = -1;
        }

        /// <summary>The first index in [from, to) whose time is after t (times are sorted within an account).</summary>
        private static int UpperBound(long[] times, int from, int to, long t)
        {
            while (from < to)
            {
                var mid = (int)(((uint)from + (uint)to) >> 1);
                if (times[mid] <= t)
                    from = mid + 1;
                else
                    to = mid;
            }
            return from;
        }
    }

    private static Dictionary<string, PropertyColumn> Properties(EventStore earlier, EventStore later, int[] fromEarlier, int[] fromLater)
    {
        var result = new Dictionary<string, PropertyColumn>(StringComparer.Ordinal);
        foreach (var key in earlier.Properties.Keys.Union(later.Properties.Keys))
        {
            var a = earlier.Properties.GetValueOrDefault(key);
            var b = later.Properties.GetValueOrDefault(key);
            var (code, values) = b is null ? ([], a!.Values) : Recode(b.Values, a?.Values ?? new StringPool());
            var na = a?.EventIndex.Length ?? 0;
            var nb = b?.EventIndex.Length ?? 0;
            // Both stores' entries are in event order and the merge keeps each store's order, so their new positions are two
            // ascending runs: merged in one pass instead of sorting every loaded entry again.
            var index = new int[na + nb];
            var codes = new int[na + nb];
            int x = 0, y = 0, z = 0;
            while (x < na || y < nb)
            {
                if (y >= nb || (x < na && fromEarlier[a!.EventIndex[x]] < fromLater[b!.EventIndex[y]]))
                {
                    index[z] = fromEarlier[a!.EventIndex[x]];
                    codes[z++] = a.ValueCode[x++];
                }
                else
                {
                    index[z] = fromLater[b!.EventIndex[y]];
                    codes[z++] = code[b.ValueCode[y++]];
                }
            }
            result[key] = new PropertyColumn { Key = key, EventIndex = index, ValueCode = codes, Values = values };
        }
        return result;
    }

    /// <summary>
    /// The code of each value of <paramref name="from"/> in <paramref name="into"/>, or in a copy of it extended with the values it
    /// lacks: the earlier store's dictionaries are never changed, so readers of that store are safe while this runs.
    /// </summary>
    private static (int[] Codes, StringPool Pool) Recode(StringPool from, StringPool into)
    {
        var pool = into;
        var codes = new int[from.Count];
        for (var c = 0; c < codes.Length; c++)
        {
            var code = pool.Find(from[c]);
            if (code < 0)
            {
                if (ReferenceEquals(pool, into))
                    pool = Copy(into);
                code = pool.GetOrAdd(from[c]);
            }
            codes[c] = code;
        }
        return (codes, pool);
    }

    private static StringPool Copy(StringPool pool)
    {
        var copy = new StringPool();
        foreach (var v in pool.Values)
            copy.GetOrAdd(v);
        return copy;
    }
}
