using System.Globalization;
using Pql.Core.Events;

namespace Pql.Core.Features;

/// <summary>
/// A seeded synthetic multi-product event store built in memory, for benchmarking the feature engine without
/// files: accounts with 1-12 users, four products, invites, shares, integrations with a kind property and
/// lifecycle events over 180 days ending 2026-11-01.
/// </summary>
internal static class SyntheticEvents
{
    public const long DayMs = 86_400_000L;
    public static readonly long EndMs = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    public const int Days = 180;

    private static readonly (string Name, string? Product, int Weight)[] s_events =
    [
        ("doc_created", "docs", 12), ("doc_edited", "docs", 30), ("doc_shared", "docs", 4), ("comment_added", "docs", 10),
        ("sheet_created", "sheets", 6), ("formula_used", "sheets", 14), ("chart_added", "sheets", 4),
        ("chat_sent", "chat", 20), ("call_started", "chat", 3), ("form_created", "forms", 2), ("form_submitted", "forms", 6),
        ("user_invited", null, 1), ("integration_added", null, 1), ("subscription_started", null, 1), ("seats_added", null, 1),
    ];

    private static readonly string[] s_integrations = ["slack", "github", "jira", "salesforce", "zapier", "drive"];

    public static EventStore Build(long events, int accounts, int seed = 42)
    {
        var rng = new Random(seed);
        var b = new EventStoreBuilder();
        var names = new int[s_events.Length];
        var products = new int[s_events.Length];
        var cumulative = new int[s_events.Length];
        var total = 0;
        for (var i = 0; i < s_events.Length; i++)
        {
            names[i] = b.EventNames.GetOrAdd(s_events[i].Name);
            products[i] = s_events[i].Product is { } p ? b.Products.GetOrAdd(p) : -1;
            total += s_events[i].Weight;
            cumulative[i] = total;
        }
        var integration = names[Array.FindIndex(s_events, e => e.Name == "integration_added")];
        var start = EndMs - Days * DayMs;
        var perAccount = (double)events / accounts;
        long written = 0;
        for (var a = 0; a < accounts; a++)
        {
            var created = start + (long)(rng.NextDouble() * 150 * DayMs);
            var id = b.AddAccount("acct" + a.ToString(CultureInfo.InvariantCulture), created,
            [
                KeyValuePair.Create("employees", (5 + rng.Next(2000)).ToString(CultureInfo.InvariantCulture)),
                KeyValuePair.Create("segment", rng.Next(3) switch { 0 => "smb", 1 => "mid", _ => "enterprise" }),
            ]);
            var users = 1 + rng.Next(12);
            var firstUser = b.UserIds.Count;
            for (var u = 0; u < users; u++)
                b.AddUser("user" + a.ToString(CultureInfo.InvariantCulture) + "_" + u.ToString(CultureInfo.InvariantCulture), id, created + (long)(rng.NextDouble() * 30 * DayMs));
            // Skewed sizes with the requested mean: most accounts are small, a few are heavy.
            var n = a == accounts - 1 ? events - written : (long)(perAccount * -Math.Log(1 - rng.NextDouble()));
            n = Math.Min(n, events - written);
            var span = EndMs - created;
            for (long e = 0; e < n; e++)
            {
                var pick = rng.Next(total);
                var k = 0;
                while (cumulative[k] <= pick)
                    k++;
                var t = created + (long)(Math.Sqrt(rng.NextDouble()) * span);
                var index = b.AddEvent(id, firstUser + rng.Next(users), t, names[k], products[k]);
                if (names[k] == integration)
                    b.AddProperty(index, "integration", s_integrations[rng.Next(s_integrations.Length)]);
            }
            written += n;
        }
        return b.Build();
    }
}
