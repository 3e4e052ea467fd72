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
