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
        var k = 0;
        for (var a = 0; a < accounts; a++)
        {
            offsets[a] = k;
            int i = earlier.AccountOffsets[a], iEnd = earlier.AccountOffsets[a + 1];
            int j = later.AccountOffsets[a], jEnd = later.AccountOffsets[a + 1];
            while (i < iEnd || j < jEnd)
            {
                // Ties go to the earlier store: its rows were read first.
                if (j >= jEnd || (i < iEnd && earlier.EventTime[i] <= later.EventTime[j]))
                {
                    account[k] = a;
                    user[k] = earlier.EventUser[i];
                    time[k] = earlier.EventTime[i];
                    name[k] = earlier.EventName[i];
                    product[k] = earlier.EventProduct[i];
                    fromEarlier[i++] = k++;
                }
                else
                {
                    account[k] = a;
                    user[k] = later.EventUser[j];
                    time[k] = later.EventTime[j];
                    name[k] = nameCode[later.EventName[j]];
                    product[k] = later.EventProduct[j] < 0 ? -1 : productCode[later.EventProduct[j]];
                    fromLater[j++] = k++;
                }
            }
        }
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
            var index = new int[na + nb];
            var codes = new int[na + nb];
            for (var i = 0; i < na; i++)
            {
                index[i] = fromEarlier[a!.EventIndex[i]];
                codes[i] = a.ValueCode[i];
            }
            for (var i = 0; i < nb; i++)
            {
                index[na + i] = fromLater[b!.EventIndex[i]];
                codes[na + i] = code[b.ValueCode[i]];
            }
            Array.Sort(index, codes);
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
