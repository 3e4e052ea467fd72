using Pql.Core.Demo;

namespace Pql.Core.Tests.Demo;

/// <summary>The world carries a learnable, multi-product signal, and outcomes follow the behaviour behind them.</summary>
public sealed class WorldSignalTests(SmallWorldFixture world) : IClassFixture<SmallWorldFixture>
{
    [Fact]
    public void Converted_accounts_adopted_more_products_before_converting()
    {
        var accounts = Summaries();
        var converted = accounts.Where(a => a.Converted).ToList();
        var others = accounts.Where(a => !a.Converted).ToList();

        Assert.True(converted.Count >= 50, $"only {converted.Count} conversions");
        Assert.True(converted.Average(a => a.Products) > others.Average(a => a.Products) + 0.5,
            $"products: converted {converted.Average(a => a.Products):F2}, others {others.Average(a => a.Products):F2}");
        Assert.True(converted.Average(a => a.Integrations) > others.Average(a => a.Integrations),
            "converted accounts should have connected more integrations");
    }

    [Fact]
    public void Products_adopted_separate_converters_better_than_raw_volume()
    {
        var accounts = Summaries();

        var byProducts = Auc(accounts, a => a.Products);
        var byVolume = Auc(accounts, a => a.Events);

        Assert.True(byProducts > 0.7, $"AUC of products adopted {byProducts:F3}");
        Assert.True(byProducts > byVolume + 0.05, $"AUC products {byProducts:F3} vs events {byVolume:F3}");
    }

    [Fact]
    public void Outcome_events_come_after_the_behaviour_that_drives_them()
    {
        var plans = world.Accounts.ToDictionary(a => a[0], a => a[6]);
        var accountOfUser = world.Users.ToDictionary(u => u[0], u => u[1]);
        var firstProductEvent = new Dictionary<string, long>();
        var firstSubscription = new Dictionary<string, long>();
        var expansions = new List<(string Account, long Time)>();
        foreach (var row in CleanRows())
        {
            var account = accountOfUser[row[2]];
            var time = WorldContractTests.Iso(row[0]);
            if (WorldCatalog.ProductEvents.Any(p => p.Contains(row[1])))
                firstProductEvent[account] = Math.Min(firstProductEvent.GetValueOrDefault(account, long.MaxValue), time);
            else if (row[1] == WorldCatalog.SubscriptionStarted)
                firstSubscription[account] = Math.Min(firstSubscription.GetValueOrDefault(account, long.MaxValue), time);
            else if (row[1] == WorldCatalog.SeatsAdded && row[6].Contains("\"paid\"", StringComparison.Ordinal))
                expansions.Add((account, time));
        }

        foreach (var (account, time) in firstSubscription)
        {
            if (plans[account] == "free")
                Assert.True(firstProductEvent[account] < time, $"{account} converted before using any product");
        }
        Assert.NotEmpty(expansions);
        foreach (var (account, time) in expansions)
            Assert.True(firstSubscription.TryGetValue(account, out var paidAt) && paidAt < time, $"{account} bought seats before subscribing");
    }

    [Fact]
    public void Weekdays_are_busier_than_weekends()
    {
        double weekday = 0, weekend = 0;
        foreach (var row in CleanRows())
        {
            var day = DateTimeOffset.FromUnixTimeMilliseconds(WorldContractTests.Iso(row[0])).DayOfWeek;
            if (day is DayOfWeek.Saturday or DayOfWeek.Sunday)
                weekend++;
            else
                weekday++;
        }

        Assert.True(weekday / 5 > 2 * (weekend / 2), $"weekday {weekday / 5:F0}/day, weekend {weekend / 2:F0}/day");
    }

    [Fact]
    public void Users_join_over_time_through_invites()
    {
        var accountCreated = world.Accounts.ToDictionary(a => a[0], a => a[1]);

        var invited = world.Users.Count(u => u[2] != accountCreated[u[1]]);

        Assert.True(invited > world.Accounts.Count / 4, $"only {invited} users joined after their account's signup");
        Assert.Contains(CleanRows(), r => r[1] == WorldCatalog.UserInvited && r[6].Contains("invitee", StringComparison.Ordinal));
    }

    private sealed record AccountSummary(bool Converted, int Products, int Integrations, int Events);

    private IEnumerable<CsvRow> CleanRows()
    {
        var users = world.Users.ToDictionary(u => u[0], u => (Account: u[1], Created: WorldContractTests.Iso(u[2])));
        foreach (var (row, kind) in WorldRowClassifier.Classify(world.Events, users))
        {
            if (kind is null)
                yield return row;
        }
    }

    /// <summary>Accounts that signed up free, with their behaviour up to their conversion (or the end).</summary>
    private List<AccountSummary> Summaries()
    {
        var accountOfUser = world.Users.ToDictionary(u => u[0], u => u[1]);
        var productOf = new Dictionary<string, int>();
        for (var p = 0; p < WorldCatalog.Products.Length; p++)
            foreach (var e in WorldCatalog.ProductEvents[p])
                productOf[e] = p;
        var rows = CleanRows().GroupBy(r => accountOfUser[r[2]]).ToDictionary(g => g.Key, g => g.OrderBy(r => r[0], StringComparer.Ordinal).ToList());
        var result = new List<AccountSummary>();
        foreach (var account in world.Accounts.Where(a => a[6] == "free"))
        {
            int mask = 0, integrations = 0, events = 0;
            var converted = false;
            foreach (var row in rows.GetValueOrDefault(account[0]) ?? [])
            {
                if (row[1] == WorldCatalog.SubscriptionStarted)
                {
                    converted = true;
                    break;
                }
                events++;
                if (productOf.TryGetValue(row[1], out var p))
                    mask |= 1 << p;
                if (row[1] == WorldCatalog.IntegrationAdded)
                    integrations++;
            }
            result.Add(new AccountSummary(converted, System.Numerics.BitOperations.PopCount((uint)mask), integrations, events));
        }
        return result;
    }

    /// <summary>Probability that a random converter scores above a random non-converter (ties count half).</summary>
    private static double Auc(List<AccountSummary> accounts, Func<AccountSummary, double> score)
    {
        var pos = accounts.Where(a => a.Converted).Select(score).ToArray();
        var neg = accounts.Where(a => !a.Converted).Select(score).ToArray();
        double wins = 0;
        foreach (var p in pos)
            foreach (var n in neg)
                wins += p > n ? 1 : p == n ? 0.5 : 0;
        return wins / ((double)pos.Length * neg.Length);
    }
}
