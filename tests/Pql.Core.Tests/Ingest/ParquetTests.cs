using DuckDB.NET.Data;
using Pql.Core.Events;
using Pql.Core.Ingest;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Ingest;

/// <summary>Parquet tables load like their CSV originals; the copies are written here, into a temp folder.</summary>
public sealed class ParquetTests : IDisposable
{
    private readonly TestWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    /// <summary>Writes a Parquet copy of a CSV with DuckDB; <paramref name="typed"/> lets DuckDB infer column types (timestamps, numbers).</summary>
    private static void ToParquet(string csv, string parquet, bool typed)
    {
        using var db = new DuckDBConnection("DataSource=:memory:");
        db.Open();
        using var command = db.CreateCommand();
        command.CommandText = $"COPY (SELECT * FROM read_csv('{csv}', header = true, all_varchar = {(!typed).ToString().ToLowerInvariant()})) TO '{parquet}' (FORMAT parquet)";
        command.ExecuteNonQuery();
    }

    [SharedDataFact("ravenstack-saas")]
    public void A_parquet_copy_of_the_ravenstack_example_loads_to_the_same_rows_as_its_csv()
    {
        var example = TestWorkspace.Example("ravenstack-saas");
        var yaml = File.ReadAllText(Path.Combine(example, "pql.yaml"));
        var csvLoad = WorkspaceLoader.Load(ConfigLoader.Load(example), new LoadOptions { WriteRejects = false });

        var data = TestWorkspace.SharedData("ravenstack-saas");
        foreach (var csv in Directory.GetFiles(data, "*.csv"))
            ToParquet(csv, _ws.PathOf(Path.GetFileNameWithoutExtension(csv) + ".parquet"), typed: false);
        var parquetYaml = System.Text.RegularExpressions.Regex.Replace(yaml, @"\.\./\.\./\.\./shared/data/ravenstack-saas/(\w+)\.csv", "$1.parquet");
        Assert.DoesNotContain(".csv", parquetYaml, StringComparison.Ordinal);
        var parquetLoad = WorkspaceLoader.Load(_ws.Config(parquetYaml), new LoadOptions { WriteRejects = false });

        Assert.Equal(csvLoad.Report.Files.Select(f => (f.Table, f.Read, f.Loaded, f.Duplicates, f.Rejected)),
            parquetLoad.Report.Files.Select(f => (f.Table, f.Read, f.Loaded, f.Duplicates, f.Rejected)));
        StoreAssert.Same(csvLoad.Store, parquetLoad.Store);
    }

    /// <summary>
    /// Every table (accounts, users, two events tables, one resolving its account through a lookup table, metrics) as Parquet loads to the
    /// store, row accounting and rejects of the same CSV files, with DuckDB's inferred column types or all text.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_parquet_copy_of_every_table_and_lookup_loads_to_the_same_rows_and_rejects_as_its_csv(bool typed)
    {
        var files = new Dictionary<string, string>
        {
            ["accounts"] = "account_id,created_at,employees,plan\nacme,2026-01-01T00:00:00Z,500,pro\nbeta,2026-01-05,12,free\nacme,2026-01-01T00:00:00Z,501,pro\ncalm,soon,3,free\n",
            ["users"] = "user_id,account_id,created_at,role\nu1,acme,2026-01-02T08:00:00Z,admin\nu2,beta,2026-01-06,member\nu3,ghost,2026-01-06,member\n",
            ["events"] = "timestamp,event,user_id,account_id,product,properties,event_id\n" +
                "2026-02-01T10:00:00.250Z,login,u1,,app,\"{\"\"plan\"\":\"\"paid\"\"}\",e1\n" +
                "2026-02-02T11:30:00Z,login,u2,beta,,,e2\n2026-02-02T11:30:00Z,login,u2,beta,,,e2\n" +
                "yesterday,login,u1,,app,,e3\n2026-02-03T00:00:00Z,debug,u1,,app,,e4\n2026-02-04T00:00:00Z,login,,nobody,,,e5\n",
            ["subs"] = "subscription_id,account_id\ns1,acme\ns2,beta\n",
            ["usage"] = "usage_date,feature,subscription_id,usage_id\n2026-02-05,export,s1,x1\n2026-02-06,export,s2,x2\n2026-02-07,export,s9,x3\n",
            ["metrics"] = "account_id,user_id,date,metric,value\nacme,,2026-02-01,seats,3\n,u2,2026-02-01,seats,1.5\nbeta,,2026-02-01,seats,lots\nacme,,2026-02-01,seats,4\n",
        };
        const string Yaml = """
            data:
              accounts: accounts.EXT
              users: users.EXT
              events:
                - { path: events.EXT, where: { event: { not: debug } } }
                - { path: usage.EXT, columns: { timestamp: usage_date, event: feature, event_id: usage_id }, account_via: { path: subs.EXT, key: subscription_id } }
              metrics: metrics.EXT
              max_reject_share: 0.6
            goals:
              paid: { achieved_when: { event: login, where: { plan: paid } }, horizon: 30d }
            """;
        using var csvWs = new TestWorkspace();
        foreach (var (name, text) in files)
        {
            csvWs.File(name + ".csv", text);
            ToParquet(csvWs.PathOf(name + ".csv"), _ws.PathOf(name + ".parquet"), typed);
        }
        var csv = WorkspaceLoader.Load(csvWs.Config(Yaml.Replace("EXT", "csv", StringComparison.Ordinal)));
        var parquet = WorkspaceLoader.Load(_ws.Config(Yaml.Replace("EXT", "parquet", StringComparison.Ordinal)));

        StoreAssert.Same(csv.Store, parquet.Store);
        Assert.Equal(csv.Store.UserCreatedAt, parquet.Store.UserCreatedAt);
        Assert.Equal(2, parquet.Store.Metrics.Count); // acme and u2; beta's is not a number, acme's second a repeat
        Assert.Equal(csv.Report.Files.Select(f => (f.Table, f.Read, f.Loaded, f.Duplicates, f.Rejected, f.Filtered)),
            parquet.Report.Files.Select(f => (f.Table, f.Read, f.Loaded, f.Duplicates, f.Rejected, f.Filtered)));
        Assert.Equal(6, parquet.Report.Rejected); // calm, u3, yesterday, nobody, s9, lots
        Assert.Equal(2L, csv.Report.ConflictingDuplicates); // acme's employees, acme's seats
        Assert.Equal(2L, parquet.Report.ConflictingDuplicates);
        // The same rejects: the CSV's line (its header is line 1) is one more than the Parquet row.
        Assert.Equal(Rejects(csv.Report, lineOffset: 1), Rejects(parquet.Report, lineOffset: 0));
    }

    private static List<string> Rejects(LoadReport report, int lineOffset) =>
        [.. File.ReadAllLines(report.RejectsPath!).Skip(1).Select(l => l.Split(',')).Select(f =>
            $"{Path.GetFileNameWithoutExtension(f[0])}:{long.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture) - lineOffset} {f[2]} {f[3].Replace(".parquet", ".csv", StringComparison.Ordinal)} {f[4]}")]; // a reason may name the lookup file

    [Fact]
    public void Typed_parquet_columns_and_globs_load_timestamps_numbers_and_json_properties()
    {
        _ws.File("accounts.csv", "account_id,created_at,employees\nacme,2026-01-01T00:00:00Z,500\nbeta,2026-01-05 10:00:00,12\n");
        _ws.File("ev1.csv", "timestamp,event,account_id,properties\n2026-02-01 10:00:00,login,acme,\"{\"\"plan\"\":\"\"paid\"\"}\"\n");
        _ws.File("ev2.csv", "timestamp,event,account_id,properties\n2026-02-02 11:30:00,login,beta,\n2026-02-03 00:00:00,login,ghost,\n");
        ToParquet(_ws.PathOf("accounts.csv"), _ws.PathOf("accounts.parquet"), typed: true);
        ToParquet(_ws.PathOf("ev1.csv"), _ws.PathOf("events-1.parquet"), typed: true);
        ToParquet(_ws.PathOf("ev2.csv"), _ws.PathOf("events-2.parquet"), typed: true);

        var (store, report) = WorkspaceLoader.Load(_ws.Config("""
            data:
              accounts: accounts.parquet
              events: events-*.parquet
              max_reject_share: 0.5
            goals:
              paid: { achieved_when: { event: login, where: { plan: paid } }, horizon: 30d }
            """));

        Assert.Equal(2, report.Files.Count(f => f.Table == "events"));
        Assert.Equal(1, report.Rejected); // ghost is not an account, named by its row
        Assert.Contains(File.ReadAllLines(report.RejectsPath!), l => l.Contains("events-2.parquet,2,account_id,is not a known account,ghost", StringComparison.Ordinal));
        Assert.Equal(Ms("2026-02-01T10:00:00Z"), store.EventTime[store.AccountOffsets[store.AccountIds.Find("acme")]]);
        Assert.Equal(Ms("2026-01-05T10:00:00Z"), store.AccountCreatedAt[store.AccountIds.Find("beta")]);
        Assert.Equal(AttributeKind.Numeric, store.AccountAttribute("employees")!.Kind);
        Assert.Equal("paid", store.Properties["plan"].Values[0]);
    }

    private static long Ms(string iso)
    {
        Assert.True(Timestamps.TryParseIso(iso, out var t));
        return t;
    }

    [Fact]
    public void A_file_that_is_not_parquet_fails_naming_it()
    {
        _ws.File("accounts.csv", "account_id,created_at\nacme,2026-01-01\n");
        _ws.File("events.parquet", "timestamp,event,account_id\n");

        var ex = Assert.Throws<DataLoadException>(() => WorkspaceLoader.Load(_ws.Config("data:\n  accounts: accounts.csv\n  events: events.parquet\n")));

        Assert.Contains("events.parquet: not a readable Parquet file", ex.Message);
    }
}
