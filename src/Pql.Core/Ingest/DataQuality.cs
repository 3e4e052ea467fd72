using Pql.Core.Workspace;

namespace Pql.Core.Ingest;

/// <summary>What <c>pql validate</c> reports about a loaded workspace.</summary>
public sealed record DataQualityReport(
    LoadReport Load,
    long FirstEventMs,
    long LastEventMs,
    IReadOnlyList<KeyValuePair<string, long>> EventsPerProduct,
    IReadOnlyList<KeyValuePair<string, long>> EventsPerName,
    int Accounts,
    int Users,
    int AccountsWithoutUsers,
    int UsersWithoutEvents);

/// <summary>Computes the data-quality report of a loaded workspace (the leakage check, which needs goal labels, is Labels/LeakageCheck).</summary>
public static class DataQuality
{
    public static DataQualityReport Analyze(WorkspaceConfig config, LoadResult load)
    {
        var store = load.Store;
        var perProduct = new long[store.Products.Count + 1];
        var perName = new long[store.EventNames.Count];
        var userHasEvents = new bool[store.UserCount];
        for (var i = 0; i < store.EventCount; i++)
        {
            perProduct[store.EventProduct[i] + 1]++;
            perName[store.EventName[i]]++;
            if (store.EventUser[i] >= 0)
                userHasEvents[store.EventUser[i]] = true;
        }
        var accountHasUsers = new bool[store.AccountCount];
        foreach (var a in store.UserAccount)
            accountHasUsers[a] = true;

        var products = new List<KeyValuePair<string, long>>();
        for (var p = 0; p < perProduct.Length; p++)
        {
            if (perProduct[p] > 0)
                products.Add(new(p == 0 ? "(no product)" : store.Products[p - 1], perProduct[p]));
        }
        var names = new List<KeyValuePair<string, long>>();
        for (var n = 0; n < perName.Length; n++)
            names.Add(new(store.EventNames[n], perName[n]));
        products.Sort((x, y) => y.Value.CompareTo(x.Value));
        names.Sort((x, y) => y.Value.CompareTo(x.Value));

        return new DataQualityReport(load.Report, store.MinTime, store.MaxTime, products, names,
            store.AccountCount, store.UserCount,
            store.UserCount == 0 ? 0 : accountHasUsers.Count(h => !h),
            userHasEvents.Count(h => !h));
    }
}
