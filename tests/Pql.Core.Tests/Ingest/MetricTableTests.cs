using Pql.Core.Ingest;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Ingest;

/// <summary>The metrics table (entity, date, metric, value): loading, bad rows, duplicates, the snapshot and its config.</summary>
public sealed class MetricTableTests : IDisposable
{
    private readonly TestWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private const string Yaml = """
        data:
          accounts: accounts.csv
          users: users.csv
          events: events.csv
          metrics: metrics.csv
          max_reject_share: 0.9
        goals:
          paid: { achieved_when: { event: upgraded }, horizon: 30d }
        """;

    private void WriteEntities()
    {
        _ws.File("accounts.csv", "account_id,created_at\nacme,2026-01-01\nbeta,2026-01-05\n");
        _ws.File("users.csv", "user_id,account_id,created_at\nu1,acme,2026-01-01\nu2,beta,2026-01-06\n");
        _ws.File("events.csv", "timestamp,event,user_id\n2026-02-01T10:00:00Z,login,u1\n2026-02-02,upgraded,u2\n");
    }

    private LoadResult Load(string yaml = Yaml) => WorkspaceLoader.Load(_ws.Config(yaml), new LoadOptions { WriteRejects = true });

    [Fact]
    public void Good_rows_load_keyed_by_user_or_account_with_days_floored_and_sorted()
    {
        WriteEntities();
        _ws.File("metrics.csv", "account_id,user_id,date,metric,value\nbeta,,2026-02-03,api_calls,7\nacme,,2026-02-02,api_calls,10.5\n,u1,2026-02-01T18:30:00Z,minutes,3\nacme,u1,2026-02-02,minutes,4\n");

        var load = Load();

        var m = load.Store.Metrics;
        Assert.Equal(4, m.Count);
        var acme = load.Store.AccountIds.Find("acme");
        var u1 = load.Store.UserIds.Find("u1");
        var (start, end) = m.RowsOf(acme);
        Assert.Equal(3, end - start);
        var day = (int)(DateTimeOffset.Parse("2026-02-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds() / Duration.MsPerDay);
        // acme's rows by (day, metric, user): minutes of u1 on 02-01, then api_calls (account) and minutes (u1) on 02-02.
        Assert.Equal([day, day + 1, day + 1], m.Day[start..end]);
        Assert.Equal(["minutes", "api_calls", "minutes"], m.Name[start..end].Select(c => m.Names[c]));
        Assert.Equal([u1, -1, u1], m.User[start..end]);
        Assert.Equal([3.0, 10.5, 4.0], m.Value[start..end]);
        var stats = Assert.Single(load.Report.Files, f => f.Table == "metrics");
        Assert.Equal((4L, 4L, 0L, 0L), (stats.Read, stats.Loaded, stats.Duplicates, stats.Rejected));
    }

    [Fact]
    public void Bad_rows_are_rejected_with_file_line_and_field()
    {
        WriteEntities();
        _ws.File("metrics.csv", "account_id,user_id,date,metric,value\nacme,,2026-02-02,api_calls,ten\nghost,,2026-02-02,api_calls,1\n,nobody,2026-02-02,api_calls,1\nacme,,yesterday,api_calls,1\nacme,,2026-02-02,,1\n,,2026-02-02,api_calls,1\nacme,,2026-02-02,api_calls,NaN\nacme,,2026-02-02,api_calls,2\n");

        var load = Load();

        Assert.Equal(1, load.Store.Metrics.Count);
        var stats = Assert.Single(load.Report.Files, f => f.Table == "metrics");
        Assert.Equal((8L, 1L, 7L), (stats.Read, stats.Loaded, stats.Rejected));
        var rejects = File.ReadAllLines(_ws.PathOf(".pql/rejects.csv"));
        Assert.Contains(rejects, l => l.EndsWith("metrics.csv,2,value,is not a number,ten", StringComparison.Ordinal));
        Assert.Contains(rejects, l => l.EndsWith("metrics.csv,3,account_id,is not a known account,ghost", StringComparison.Ordinal));
        Assert.Contains(rejects, l => l.EndsWith("metrics.csv,4,user_id,is not a known user,nobody", StringComparison.Ordinal));
        Assert.Contains(rejects, l => l.Contains("metrics.csv,5,date,", StringComparison.Ordinal));
        Assert.Contains(rejects, l => l.Contains("metrics.csv,6,metric,is empty", StringComparison.Ordinal));
        Assert.Contains(rejects, l => l.Contains("metrics.csv,7,account_id,is empty (a metric row needs user_id or account_id)", StringComparison.Ordinal));
        Assert.Contains(rejects, l => l.EndsWith("metrics.csv,8,value,is not a number,NaN", StringComparison.Ordinal));
    }

    [Fact]
    public void A_repeated_entity_date_and_metric_keeps_the_first_row_and_reports_a_different_value()
    {
        WriteEntities();
        _ws.File("metrics.csv", "account_id,date,metric,value\nacme,2026-02-02,api_calls,10\nacme,2026-02-02T12:00:00Z,api_calls,10\nacme,2026-02-02,api_calls,12\nacme,2026-02-03,api_calls,12\n");

        var load = Load();

        Assert.Equal([10.0, 12.0], load.Store.Metrics.Value);
        var stats = Assert.Single(load.Report.Files, f => f.Table == "metrics");
        Assert.Equal((4L, 2L, 2L), (stats.Read, stats.Loaded, stats.Duplicates));
        Assert.Equal(1, load.Report.ConflictingDuplicates);
        Assert.Equal("metrics.csv:4 metric 'api_calls' of 'acme' on 2026-02-02 repeats metrics.csv:2 with a different value (12 here, 10 kept); the row at metrics.csv:2 is kept",
            Assert.Single(load.Report.ConflictSamples));
    }

    [Fact]
    public void A_file_without_an_entity_column_fails_naming_its_columns()
    {
        WriteEntities();
        _ws.File("metrics.csv", "date,metric,value\n2026-02-02,api_calls,10\n");

        var ex = Assert.Throws<DataLoadException>(() => Load());

        Assert.Contains("metrics need 'user_id' or 'account_id' (columns: date, metric, value)", ex.Message);
    }

    [Fact]
    public void Mapped_semicolon_latin1_filtered_ndjson_and_glob_tables_load_and_the_snapshot_keeps_them()
    {
        WriteEntities();
        File.WriteAllBytes(_ws.PathOf("usage-1.csv"), System.Text.Encoding.Latin1.GetBytes("Kunde;Tag;Kennzahl;Wert;Quelle\nacme;2026-02-02;Nutzung-ä;5;live\nacme;2026-02-03;Nutzung-ä;6;test\n"));
        _ws.File("usage-2.ndjson", "{\"user_id\":\"u2\",\"date\":\"2026-02-04\",\"metric\":\"seats\",\"value\":3}\n");
        var yaml = Yaml.Replace("metrics: metrics.csv", "metrics:\n"
            + "    - path: usage-*.csv\n"
            + "      delimiter: \";\"\n"
            + "      encoding: latin1\n"
            + "      columns: { account_id: Kunde, date: Tag, metric: Kennzahl, value: Wert }\n"
            + "      where: { Quelle: live }\n"
            + "    - usage-*.ndjson", StringComparison.Ordinal);

        var first = Load(yaml);
        var second = Load(yaml);

        Assert.Equal(["Nutzung-ä", "seats"], first.Store.Metrics.Name.Select(c => first.Store.Metrics.Names[c]).Order(StringComparer.Ordinal));
        Assert.Equal(1, first.Report.Files.Single(f => f.File.EndsWith("usage-1.csv", StringComparison.Ordinal)).Filtered);
        Assert.True(second.Report.FromSnapshot);
        StoreAssert.Same(first.Store, second.Store);

        _ws.File("usage-2.ndjson", "{\"user_id\":\"u2\",\"date\":\"2026-02-04\",\"metric\":\"seats\",\"value\":4}\n");
        File.SetLastWriteTimeUtc(_ws.PathOf("usage-2.ndjson"), DateTime.UtcNow.AddMinutes(1));
        var third = Load(yaml);
        Assert.False(third.Report.FromSnapshot); // a changed metrics file rebuilds like any input
        Assert.Contains(4.0, third.Store.Metrics.Value);
    }

    [Theory]
    [InlineData("event: login", "data.metrics.event")]
    [InlineData("account_via: { path: x.csv, key: k }", "data.metrics.account_via")]
    [InlineData("created_at: first_event", "data.metrics.created_at")]
    public void Event_only_options_on_a_metrics_table_are_refused_with_their_line(string option, string key)
    {
        WriteEntities();
        _ws.File("metrics.csv", "account_id,date,metric,value\n");

        var ex = Assert.Throws<ConfigException>(() => _ws.Config(Yaml.Replace("metrics: metrics.csv", $"metrics: {{ path: metrics.csv, {option} }}", StringComparison.Ordinal)));

        Assert.Contains(key, ex.Message);
        Assert.Contains("is not an option of a metrics table", ex.Message);
        Assert.Contains("pql.yaml:5", ex.Message);
    }

    [Fact]
    public void A_missing_metrics_file_is_a_config_error()
    {
        WriteEntities();

        var ex = Assert.Throws<ConfigException>(() => _ws.Config(Yaml));

        Assert.Contains("data.metrics", ex.Message);
        Assert.Contains("file not found: metrics.csv", ex.Message);
    }
}
