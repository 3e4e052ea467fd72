using System.Globalization;
using System.Text;

namespace Pql.Core.Tests.Features.Sql;

/// <summary>A seeded random event log written as a workspace (accounts, users, events CSV and pql.yaml), for the engines to read.</summary>
internal sealed class ParityWorld : IDisposable
{
    public ParityWorld(int seed = 7, int accounts = 12)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("pql-parity-").FullName;
        Log = RandomLog.Create(seed, accounts);
        // An account with no event at all, and one whose only events come after every cutoff: both must still get a row.
        Log.Account("quiet", TestLog.T - 200 * TestLog.Day).User("quiet-u", "quiet", TestLog.T - 200 * TestLog.Day);
        Log.Account("late", TestLog.T - 10 * TestLog.Day).Add("late", null, TestLog.T + 90 * TestLog.Day, "doc_created", "docs");
        var a = new StringBuilder("account_id,created_at,employees,segment\n");
        foreach (var (id, created, attrs) in Log.Accounts)
            a.Append(CultureInfo.InvariantCulture, $"{id},{Iso(created)},{Attr(attrs, "employees")},{Attr(attrs, "segment")}\n");
        var u = new StringBuilder("user_id,account_id,created_at\n");
        foreach (var (id, account, created) in Log.Users)
            u.Append(CultureInfo.InvariantCulture, $"{id},{account},{Iso(created)}\n");
        // Half the events carry account_id, half are resolved through their user (both shapes of the contract).
        var e = new StringBuilder("timestamp,event,user_id,account_id,product,properties\n");
        var i = 0;
        foreach (var ev in Log.Events)
        {
            var account = ev.User is null || i++ % 2 == 0 ? ev.Account : "";
            var properties = ev.Integration is null ? "" : $"\"{{\"\"integration\"\":\"\"{ev.Integration}\"\"}}\"";
            e.Append(CultureInfo.InvariantCulture, $"{Iso(ev.Time)},{ev.Name},{ev.User},{account},{ev.Product},{properties}\n");
        }
        File.WriteAllText(Path.Combine(Directory, "accounts.csv"), a.ToString());
        File.WriteAllText(Path.Combine(Directory, "users.csv"), u.ToString());
        File.WriteAllText(Path.Combine(Directory, "events.csv"), e.ToString());
        File.WriteAllText(Path.Combine(Directory, "pql.yaml"), """
            data:
              accounts: accounts.csv
              users: users.csv
              events: events.csv
            goals:
              conversion:
                entity: account
                achieved_when: { event: subscription_started }
                horizon: 30d
            """);
    }

    public string Directory { get; }

    public TestLog Log { get; }

    /// <summary>Cutoffs a week apart, from before most events to after the last one.</summary>
    public static long[] Cutoffs => [.. Enumerable.Range(0, 6).Select(k => TestLog.T - k * 17 * TestLog.Day + k * TestLog.Hour)];

    public static string Iso(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Attr(KeyValuePair<string, string>[] attrs, string key) => attrs.FirstOrDefault(kv => kv.Key == key).Value ?? "";

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
