using System.Globalization;
using DuckDB.NET.Data;
using Pql.Core.Features.Sql;
using Pql.Core.Ingest;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Features.Sql;

/// <summary>The duckdb engine's spool holds exactly the loaded store's events; a changed input or a damaged file rewrites it.</summary>
public sealed class EventSpoolTests : IDisposable
{
    private readonly TestWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private const string Yaml = """
        data:
          accounts: accounts.csv
          events: events.csv
          max_reject_share: 0.5
        goals:
          paid: { achieved_when: { event: upgraded, where: { plan: pro } }, horizon: 30d }
        engine: duckdb
        """;

    private WorkspaceConfig Write(string extraRow = "")
    {
        _ws.File("accounts.csv", "account_id,created_at\nacme,2026-01-01\nbeta,2026-01-05\n");
        _ws.File("events.csv", "timestamp,event,account_id,event_id,properties\n"
            + "2026-02-01T10:00:00Z,login,acme,e1,\n"
            + "2026-02-01T10:00:00Z,login,acme,e1,\n"              // repeated id: dropped
            + "bad,login,acme,e2,\n"                                // rejected
            + "2026-02-02,upgraded,beta,e3,\"{\"\"plan\"\":\"\"pro\"\"}\"\n" + extraRow);
        return _ws.Config(Yaml);
    }

    private static List<(string Account, string Event, long T, string? Plan)> Rows(string spool)
    {
        using var c = new DuckDBConnection($"DataSource={spool};ACCESS_MODE=READ_ONLY");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT ac.id, nm.name, ev.t, pv.value FROM events ev JOIN accounts ac ON ac.a = ev.a JOIN event_names nm ON nm.e = ev.e
            LEFT JOIN spool_properties sp ON sp.key = 'plan' LEFT JOIN property_values pv ON pv.k = sp.k AND pv.v = ev.p0 ORDER BY ev.t
            """;
        using var r = cmd.ExecuteReader();
        var rows = new List<(string, string, long, string?)>();
        while (r.Read())
            rows.Add((r.GetString(0), r.GetString(1), r.GetInt64(2), r.IsDBNull(3) ? null : r.GetString(3)));
        return rows;
    }

    private static long Ms(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();

    [Fact]
    public void The_spool_holds_the_kept_rows_and_is_rewritten_when_an_input_changes_or_it_is_damaged()
    {
        var config = Write();
        var store = WorkspaceLoader.Load(config).Store;

        var path = EventSpool.Ensure(config, store);

        Assert.Equal([("acme", "login", Ms("2026-02-01T10:00:00Z"), null), ("beta", "upgraded", Ms("2026-02-02T00:00:00Z"), "pro")], Rows(path));
        var written = File.GetLastWriteTimeUtc(path);
        // The same inputs reuse it (a new store object: no per-process shortcut).
        Assert.Equal(path, EventSpool.Ensure(config, WorkspaceLoader.Load(config).Store));
        Assert.Equal(written, File.GetLastWriteTimeUtc(path));
        // A new row rewrites it.
        config = Write("2026-02-03,login,beta,e4,\n");
        EventSpool.Ensure(config, WorkspaceLoader.Load(config).Store);
        Assert.Equal(3, Rows(path).Count);
        // A damaged file is rewritten, not used.
        File.WriteAllText(path, "not a database");
        EventSpool.Ensure(config, WorkspaceLoader.Load(config).Store);
        Assert.Equal(3, Rows(path).Count);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
    }
}
