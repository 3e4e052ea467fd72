using System.Text.Json;
using Pql.Core.Demo;
using Pql.Core.Events;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Demo;

/// <summary>The generated files follow the data contract (they are the loader's reference input).</summary>
public sealed class WorldContractTests(SmallWorldFixture world) : IClassFixture<SmallWorldFixture>
{
    private static readonly string[] s_sections = ["event_kinds", "features", "tiers", "rules"];

    [Fact]
    public void Files_have_the_contract_headers()
    {
        Assert.Equal(["account_id", "created_at", "segment", "employees", "industry", "country", "plan", "owner"], world.AccountsHeader);
        Assert.Equal(["user_id", "account_id", "created_at", "role", "email"], world.UsersHeader);
        Assert.Equal(["timestamp", "event", "user_id", "account_id", "product", "event_id", "properties"], world.EventsHeader);
    }

    [Fact]
    public void Accounts_are_unique_with_iso_signups_inside_the_period()
    {
        var ids = new HashSet<string>();
        foreach (var a in world.Accounts)
        {
            Assert.True(ids.Add(a[0]), $"duplicate account {a[0]}");
            Assert.True(Timestamps.TryParseIso(a[1], out var created), a.Line);
            Assert.InRange(created, world.Options.StartMs, world.Options.EndMs - 1);
            Assert.Contains(a[2], WorldCatalog.Segments);
            Assert.True(int.Parse(a[3], System.Globalization.CultureInfo.InvariantCulture) >= 1, a.Line);
            Assert.True(a[6] is "free" or "paid", a.Line);
            Assert.StartsWith("rep_", a[7], StringComparison.Ordinal);
        }
        Assert.Equal(world.Options.Accounts, ids.Count);
        Assert.Equal(3, world.Accounts.Select(a => a[2]).Distinct().Count());
    }

    [Fact]
    public void Users_belong_to_accounts_and_sign_up_after_them()
    {
        var accountCreated = world.Accounts.ToDictionary(a => a[0], a => Iso(a[1]));
        var ids = new HashSet<string>();
        foreach (var u in world.Users)
        {
            Assert.True(ids.Add(u[0]), $"duplicate user {u[0]}");
            Assert.True(accountCreated.TryGetValue(u[1], out var accountTime), $"user {u[0]} has unknown account {u[1]}");
            Assert.True(Iso(u[2]) >= accountTime, u.Line);
            Assert.Equal(u[0] + "@example.test", u[4]);
        }
        Assert.Equal(accountCreated.Count, world.Users.Select(u => u[1]).Distinct().Count());
        Assert.Equal(world.Result.Users, world.Users.Count);
    }

    [Fact]
    public void Clean_events_follow_the_contract()
    {
        var users = world.Users.ToDictionary(u => u[0], u => (Account: u[1], Created: Iso(u[2])));
        var products = WorkspaceProducts();
        var classified = WorldRowClassifier.Classify(world.Events, users);
        var ids = new HashSet<string>();
        long emptyAccount = 0, emptyProduct = 0, clean = 0;
        foreach (var (row, kind) in classified)
        {
            if (kind is not null)
                continue;
            clean++;
            Assert.True(ids.Add(row[5]), $"event_id {row[5]} repeats on a clean row");
            var time = Iso(row[0]);
            Assert.InRange(time, world.Options.StartMs, world.Options.EndMs - 1);
            var user = users[row[2]];
            Assert.True(time >= user.Created, $"event before its user signed up: {row.Line}");
            if (row[3].Length == 0)
                emptyAccount++;
            else
                Assert.Equal(user.Account, row[3]);
            if (products.TryGetValue(row[1], out var product))
            {
                if (row[4].Length == 0)
                    emptyProduct++;
                else
                    Assert.Equal(product, row[4]);
            }
            else
            {
                Assert.Equal("", row[4]);
            }
            if (row[6].Length > 0)
                Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(row[6]).RootElement.ValueKind);
        }
        Assert.Equal(world.Result.EventRows - world.Result.DirtyRows, clean);
        Assert.InRange(emptyAccount / (double)clean, 0.09, 0.15);
        Assert.InRange(emptyProduct / (double)clean, 0.05, 0.11);
    }

    [Fact]
    public void Dirty_rows_are_each_kind_at_the_requested_share()
    {
        var users = world.Users.ToDictionary(u => u[0], u => (Account: u[1], Created: Iso(u[2])));

        var classified = WorldRowClassifier.Classify(world.Events, users);

        var byKind = classified.Where(c => c.Kind is not null).GroupBy(c => c.Kind!.Value).ToDictionary(g => g.Key, g => g.Count());
        var dirty = byKind.Values.Sum();
        Assert.Equal(world.Result.DirtyRows, dirty);
        Assert.Equal(world.Result.EventRows, world.Events.Count);
        Assert.InRange(dirty / (double)world.Events.Count, 0.017, 0.023);
        foreach (var kind in Enum.GetValues<DirtyKind>())
            Assert.InRange(byKind.GetValueOrDefault(kind) / (double)dirty, 0.14, 0.26);
    }

    [Fact]
    public void Config_loads_with_the_four_goals_and_the_catalog_products()
    {
        var config = ConfigLoader.Load(world.Directory);

        Assert.Equal(["conversion", "expansion", "churn", "activation"], config.Goals.Select(g => g.Name));
        Assert.Equal(new EventCondition("subscription_started", new Dictionary<string, string>()).Event,
            Assert.IsType<EventCondition>(config.Goal("conversion").Condition).Event);
        Assert.Equal("paid", Assert.IsType<EventCondition>(config.Goal("expansion").Condition).Where["plan"]);
        Assert.Equal(21 * 86_400_000L, Assert.IsType<InactiveCondition>(config.Goal("churn").Condition).PeriodMs);
        var activation = Assert.IsType<CountCondition>(config.Goal("activation").Condition);
        Assert.Equal(EntityKind.User, config.Goal("activation").Entity);
        Assert.Equal(("doc_created", 3), (activation.Terms[0].Event, activation.Terms[0].AtLeast));
        Assert.Equal(WorkspaceProducts(), config.ProductOfEvent);
        foreach (var section in s_sections)
            Assert.NotNull(config.Section(section));
        Assert.True(config.Data.MaxRejectShare >= 2 * world.Options.DirtyShare);
    }

    /// <summary>The products map the catalog implies: every product event maps to its product.</summary>
    private static Dictionary<string, string> WorkspaceProducts()
    {
        var map = new Dictionary<string, string>();
        for (var p = 0; p < WorldCatalog.Products.Length; p++)
            foreach (var e in WorldCatalog.ProductEvents[p])
                map[e] = WorldCatalog.Products[p];
        return map;
    }

    internal static long Iso(string text)
    {
        Assert.True(Timestamps.TryParseIso(text, out var ms), $"'{text}' is not ISO 8601");
        return ms;
    }
}
