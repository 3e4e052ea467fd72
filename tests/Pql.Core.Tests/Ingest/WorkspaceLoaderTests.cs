using Pql.Core.Events;
using Pql.Core.Ingest;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Ingest;

public sealed class WorkspaceLoaderTests : IDisposable
{
    private readonly TestWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private const string Yaml = """
        data:
          accounts: accounts.csv
          users: users.csv
          events: events.csv
        products:
          docs: [doc_created, doc_shared]
        goals:
          expansion:
            achieved_when: { event: seats_added, where: { plan: paid } }
            horizon: 30d
        """;

    private void WriteEntities()
    {
        _ws.File("accounts.csv", "account_id,created_at,segment,employees\nacme,2026-01-01,enterprise,500\nbeta,2026-01-05T10:00:00+02:00,smb,12\n");
        _ws.File("users.csv", "user_id,account_id,created_at,role\nu1,acme,2026-01-01,admin\nu2,acme,2026-01-02,member\nu3,beta,2026-01-05,admin\n");
    }

    [Fact]
    public void Load_contract_files_resolves_accounts_maps_products_and_dedupes()
    {
        WriteEntities();
        _ws.File("events.csv", """
            timestamp,event,user_id,account_id,product,event_id,properties
            2026-02-01T10:00:00Z,doc_created,u1,,,e1,
            2026-02-01T09:00:00+01:00,doc_shared,u2,,,e2,"{""to"":""x""}"
            2026-02-02,login,,beta,web,e3,
            2026-02-03T00:00:00Z,seats_added,u3,,,e4,"{""plan"":""paid"",""seats"":3}"
            2026-02-01T10:00:00Z,doc_created,u1,,,e1,
            """);

        var (store, report) = WorkspaceLoader.Load(_ws.Config(Yaml));

        Assert.Equal(2 + 3 + 4, report.Loaded); // accounts + users + events
        var events = report.Files.Single(f => f.Table == "events");
        Assert.Equal((5, 4, 1, 0), (events.Read, events.Loaded, events.Duplicates, events.Rejected));
        Assert.Equal(4, store.EventCount);
        var acme = store.AccountIds.Find("acme");
        // acme's two events are sorted by time: doc_shared at 08:00Z comes before doc_created at 10:00Z.
        var first = store.AccountOffsets[acme];
        Assert.Equal("doc_shared", store.EventNames[store.EventName[first]]);
        Assert.Equal("docs", store.Products[store.EventProduct[first]]);
        Assert.Equal(store.UserIds.Find("u2"), store.EventUser[first]);
        var login = store.AccountOffsets[store.AccountIds.Find("beta")];
        Assert.Equal("web", store.Products[store.EventProduct[login]]);
        Assert.Equal(-1, store.EventUser[login]);
        Assert.Equal(DateTimeOffset.Parse("2026-01-05T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(),
            store.AccountCreatedAt[store.AccountIds.Find("beta")]);
        var plan = store.Properties["plan"];
        Assert.Equal("paid", plan.Values[plan.ValueCode[0]]);
        Assert.Equal(AttributeKind.Numeric, store.AccountAttribute("employees")!.Kind);
        Assert.Equal(AttributeKind.Category, store.AccountAttribute("segment")!.Kind);
        Assert.Null(report.RejectsPath);
    }

    [Fact]
    public void Load_bad_rows_are_rejected_with_file_line_field_and_reason_and_accounted_for()
    {
        WriteEntities();
        var good = string.Concat(Enumerable.Range(0, 200).Select(i => $"2026-02-01T10:00:{i % 60:00}Z,doc_created,u1,,,g{i},\n"));
        _ws.File("events.csv", "timestamp,event,user_id,account_id,product,event_id,properties\n" +
            "03/01/26,doc_created,u1,,,b1,\n" +          // line 2: malformed timestamp
            "2026-02-01,doc_created,ghost,,,b2,\n" +     // line 3: unknown user, no account
            "2026-02-01,,u1,,,b3,\n" +                   // line 4: empty event name
            "2026-02-01,doc_created,u1,,,b4,{broken\n" + // line 5: broken JSON properties
            "2026-02-01,doc_created,u1,,,b5\n" +         // line 6: wrong field count
            good);

        var (store, report) = WorkspaceLoader.Load(_ws.Config(Yaml));

        var events = report.Files.Single(f => f.Table == "events");
        Assert.Equal(205, events.Read);
        Assert.Equal(events.Read, events.Loaded + events.Duplicates + events.Rejected);
        Assert.Equal(5, events.Rejected);
        Assert.Equal(200, store.EventCount);
        var lines = File.ReadAllLines(report.RejectsPath!);
        Assert.Equal("file,line,field,reason,value", lines[0]);
        Assert.Contains(lines, l => l.Contains(",2,timestamp,is not ISO 8601", StringComparison.Ordinal) && l.EndsWith("03/01/26", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(",3,user_id,unknown user with no account_id", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(",4,event,is empty", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(",5,properties,is not valid JSON", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(",6,(row),\"has 6 fields, the header has 7\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_fails_past_the_reject_share_naming_the_first_reject()
    {
        WriteEntities();
        _ws.File("events.csv", "timestamp,event,user_id\nnot-a-time,doc_created,u1\n2026-02-01,doc_created,u1\n");

        var ex = Assert.Throws<DataLoadException>(() => WorkspaceLoader.Load(_ws.Config(Yaml)));

        Assert.Contains("1 of 7 rows rejected", ex.Message);
        Assert.Contains("events.csv:2 field 'timestamp'", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Load_truncated_gzip_fails_naming_the_file()
    {
        WriteEntities();
        var rows = string.Concat(Enumerable.Range(0, 50_000).Select(i => $"2026-02-01T10:00:00Z,doc_created,u1,,,e{i},\n"));
        _ws.Gzip("full.csv.gz", "timestamp,event,user_id,account_id,product,event_id,properties\n" + rows);
        var bytes = File.ReadAllBytes(_ws.PathOf("full.csv.gz"));
        File.WriteAllBytes(_ws.PathOf("events.csv.gz"), bytes[..(bytes.Length * 2 / 3)]);

        var ex = Assert.Throws<DataLoadException>(() => WorkspaceLoader.Load(_ws.Config(Yaml.Replace("events.csv", "events.csv.gz", StringComparison.Ordinal))));

        Assert.Contains("events.csv.gz", ex.Message);
        Assert.Contains("truncated", ex.Message);
    }

    [Fact]
    public void Load_gzip_with_several_members_reads_every_member()
    {
        WriteEntities();
        _ws.Gzip("a.gz", "timestamp,event,user_id\n2026-02-01,doc_created,u1\n");
        _ws.Gzip("b.gz", "2026-02-02,doc_created,u2\n");
        File.WriteAllBytes(_ws.PathOf("events.csv.gz"), [.. File.ReadAllBytes(_ws.PathOf("a.gz")), .. File.ReadAllBytes(_ws.PathOf("b.gz"))]);

        var (store, _) = WorkspaceLoader.Load(_ws.Config(Yaml.Replace("events.csv", "events.csv.gz", StringComparison.Ordinal)));

        Assert.Equal(2, store.EventCount);
    }

    [Fact]
    public void Load_missing_required_column_fails_naming_file_and_column()
    {
        WriteEntities();
        _ws.File("events.csv", "when,event,user_id\n2026-02-01,doc_created,u1\n");

        var ex = Assert.Throws<DataLoadException>(() => WorkspaceLoader.Load(_ws.Config(Yaml)));

        Assert.Contains("events.csv", ex.Message);
        Assert.Contains("missing required column 'timestamp'", ex.Message);
    }

    [Fact]
    public void Load_ndjson_with_epoch_ms_users_from_events_and_accounts_from_users()
    {
        _ws.File("logs/a-events.json", """
            {"ts":1541106106796,"userId":"8","page":"NextSong","registration":1540344794796.0,"level":"free"}
            {"ts":1541106106000,"userId":"","page":"Home","registration":null}
            {"ts":1541106200000,"userId":"8","page":"Submit Upgrade","level":"free"}
            """);
        var config = _ws.Config("""
            data:
              users: { from: events, columns: { user_id: userId, created_at: registration }, timestamp_format: unix_ms, attributes: [level] }
              accounts: { from: users }
              events:
                path: logs/*-events.json
                columns: { timestamp: ts, event: page, user_id: userId }
                timestamp_format: unix_ms
              max_reject_share: 0.5
            """);

        var (store, report) = WorkspaceLoader.Load(config);

        Assert.Equal(2, store.EventCount);
        Assert.Equal(1, report.Rejected);
        Assert.Equal(1, store.UserCount);
        Assert.Equal(1540344794796L, store.UserCreatedAt[0]);
        Assert.Equal(1540344794796L, store.AccountCreatedAt[store.UserAccount[0]]);
        Assert.Equal("8", store.AccountIds[store.UserAccount[0]]);
        Assert.Equal(1541106106796L, store.EventTime[0]);
        Assert.Equal("free", store.UserAttribute("level")!.Levels[store.UserAttribute("level")!.Codes[0]]);
    }

    [Fact]
    public void Load_resolves_account_through_a_lookup_table_and_rejects_unknown_keys()
    {
        WriteEntities();
        _ws.File("subs.csv", "subscription_id,account_id\ns1,acme\ns2,beta\n");
        _ws.File("usage.csv", "usage_id,subscription_id,usage_date,feature_name\nx1,s1,2026-02-01,f1\nx2,s2,2026-02-02,f2\nx3,s9,2026-02-03,f3\n");
        var config = _ws.Config("""
            data:
              accounts: accounts.csv
              events:
                path: usage.csv
                columns: { timestamp: usage_date, event: feature_name, event_id: usage_id }
                account_via: { path: subs.csv, key: subscription_id }
              max_reject_share: 0.5
            """);

        var (store, report) = WorkspaceLoader.Load(config);

        Assert.Equal(2, store.EventCount);
        Assert.Equal(store.AccountIds.Find("beta"), store.EventAccount[1]);
        Assert.Contains("subscription_id: has no row in subs.csv", report.RejectsByReason.Keys);
    }

    [SharedDataFact("sparkify-dend-logs")]
    public void Load_sparkify_example_accounts_for_all_8056_events()
    {
        var config = ConfigLoader.Load(TestWorkspace.Example("sparkify-dend-logs"));

        var (store, report) = WorkspaceLoader.Load(config, new LoadOptions { WriteRejects = false });

        Assert.Equal(30, report.Files.Count);
        Assert.Equal(8056, report.Read);
        Assert.Equal(286, report.Rejected);
        Assert.Equal(8056 - 286, store.EventCount);
        Assert.Equal(97, store.UserCount);
        Assert.Equal(97, store.AccountCount);
    }

    [SharedDataFact("ravenstack-saas")]
    public void Load_ravenstack_example_resolves_usage_through_subscriptions()
    {
        var config = ConfigLoader.Load(TestWorkspace.Example("ravenstack-saas"));

        var (store, report) = WorkspaceLoader.Load(config, new LoadOptions { WriteRejects = false });

        Assert.Equal(500, store.AccountCount);
        var usage = report.Files.Single(f => f.File.EndsWith("ravenstack_feature_usage.csv", StringComparison.Ordinal));
        Assert.Equal(25_000, usage.Read);
        Assert.Equal(21, usage.Duplicates); // 24,979 distinct usage_id values
        Assert.Equal(0, usage.Rejected);
        Assert.Equal(report.Read, report.Loaded + report.Duplicates + report.Rejected);
        Assert.True(store.Properties.ContainsKey("upgrade_flag"));
    }

    [Fact]
    public void Load_entity_rows_with_empty_ids_bad_dates_or_unknown_accounts_are_rejected()
    {
        _ws.File("accounts.csv", "account_id,created_at\nacme,2026-01-01\n,2026-01-01\nbeta,01/05/2026\nacme,2026-02-01\n");
        _ws.File("users.csv", "user_id,account_id,created_at\nu1,acme,2026-01-01\nu2,nowhere,2026-01-01\nu3,,2026-01-01\n");
        _ws.File("events.csv", "timestamp,event,user_id\n" + string.Concat(Enumerable.Repeat("2026-02-01,doc_created,u1\n", 200)));

        var (store, report) = WorkspaceLoader.Load(_ws.Config(Yaml));

        var accounts = report.Files.Single(f => f.Table == "accounts");
        Assert.Equal((4, 1, 1, 2), (accounts.Read, accounts.Loaded, accounts.Duplicates, accounts.Rejected));
        var users = report.Files.Single(f => f.Table == "users");
        Assert.Equal((3, 1, 0, 2), (users.Read, users.Loaded, users.Duplicates, users.Rejected));
        Assert.Contains("account_id: is not in the accounts file", report.RejectsByReason.Keys);
        Assert.Contains("account_id: is empty", report.RejectsByReason.Keys);
        Assert.Contains("created_at: is not ISO 8601 (e.g. 2026-03-01T12:00:00Z)", report.RejectsByReason.Keys);
        Assert.Equal(1, store.AccountCount);
    }

    [Fact]
    public void Load_truncated_accounts_gzip_fails_naming_the_file()
    {
        var rows = string.Concat(Enumerable.Range(0, 50_000).Select(i => $"acct{i},2026-01-01\n"));
        _ws.Gzip("full.gz", "account_id,created_at\n" + rows);
        var bytes = File.ReadAllBytes(_ws.PathOf("full.gz"));
        File.WriteAllBytes(_ws.PathOf("accounts.csv.gz"), bytes[..(bytes.Length / 2)]);
        _ws.File("events.csv", "timestamp,event,account_id\n2026-02-01,login,acct1\n");

        var ex = Assert.Throws<DataLoadException>(() => WorkspaceLoader.Load(_ws.Config("data:\n  accounts: accounts.csv.gz\n  events: events.csv\n")));

        Assert.Equal(_ws.PathOf("accounts.csv.gz"), ex.File);
        Assert.Contains("truncated", ex.Message);
    }
}
