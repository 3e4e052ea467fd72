using Pql.Core.Ingest;

namespace Pql.Core.Tests.Ingest;

/// <summary>A new file of the events glob is parsed alone and appended to the snapshot's store; anything else rebuilds.</summary>
public sealed class SnapshotAppendTests : IDisposable
{
    private readonly TestWorkspace _ws = new();
    private readonly List<string> _progress = [];

    public void Dispose() => _ws.Dispose();

    private const string Yaml = """
        data:
          accounts: accounts.csv
          users: users.csv
          events: events-*.csv.gz
          metrics: metrics.csv
          max_reject_share: 0.5
        goals:
          paid: { achieved_when: { event: upgraded, where: { plan: pro } }, horizon: 30d }
        """;

    private void Write()
    {
        _ws.File("accounts.csv", "account_id,created_at\nacme,2026-01-01\nbeta,2026-01-05\n");
        _ws.File("users.csv", "user_id,account_id,created_at\nu1,acme,2026-01-01\nu2,beta,2026-01-06\n");
        _ws.File("metrics.csv", "account_id,date,metric,value\nacme,2026-02-01,api_calls,4\n");
        _ws.Gzip("events-1.csv.gz", "timestamp,event,user_id,account_id,event_id,properties\n"
            + "2026-02-01T10:00:00Z,login,u1,,e1,\n2026-02-02,upgraded,u2,,e2,\"{\"\"plan\"\":\"\"pro\"\"}\"\nbad,login,u1,,e3,\n");
        _ws.Gzip("events-2.csv.gz", "timestamp,event,user_id,account_id,event_id,properties\n2026-02-03,login,u2,,e4,\n2026-02-03,login,,acme,,\n");
    }

    /// <summary>A new file: a repeat of a loaded event id, a bad row, a new event name and property value, a tie in time with a loaded event.</summary>
    private void WriteNewFile(string name = "events-3.csv.gz") =>
        _ws.Gzip(name, "timestamp,event,user_id,account_id,event_id,properties\n"
            + "2026-02-01T10:00:00Z,login,u1,,e1,\n"
            + "2026-02-03,exported,u2,,e5,\n"
            + "nope,login,u2,,e6,\n"
            + "2026-02-02,upgraded,u1,,e7,\"{\"\"plan\"\":\"\"team\"\"}\"\n"
            + "2026-02-04,exported,u2,,e5,\n");

    private LoadResult Load(bool snapshot = true) =>
        WorkspaceLoader.Load(_ws.Config(Yaml), new LoadOptions { Log = new CapturingLoggerProvider { OnMessage = _progress.Add }.Logger, Snapshot = snapshot });

    [Fact]
    public void A_new_file_is_parsed_alone_and_gives_the_store_report_and_rejects_of_a_cold_load()
    {
        Write();
        var first = Load();
        WriteNewFile();

        var appended = Load();
        var appendedRejects = File.ReadAllText(_ws.PathOf(".pql/rejects.csv"));
        var cold = Load(snapshot: false);

        Assert.Equal(5, first.Report.FilesParsed); // accounts, users, two event files, metrics
        Assert.True(appended.Report.Appended);
        Assert.Equal(1, appended.Report.FilesParsed);
        Assert.Contains("appending 1 new file(s) of events-*.csv.gz", _progress);
        StoreAssert.Same(cold.Store, appended.Store);
        Assert.Equal(cold.Report.Summary(), appended.Report.Summary());
        Assert.Equal(cold.Report.RejectsByReason, appended.Report.RejectsByReason);
        Assert.Equal(cold.Report.Files.Select(f => (f.File, f.Read, f.Loaded, f.Duplicates, f.Rejected)),
            appended.Report.Files.Select(f => (f.File, f.Read, f.Loaded, f.Duplicates, f.Rejected)));
        Assert.Equal(File.ReadAllText(_ws.PathOf(".pql/rejects.csv")), appendedRejects);
        Assert.Equal(2, appended.Report.Files.Single(f => f.File.EndsWith("events-3.csv.gz", StringComparison.Ordinal)).Duplicates);
        Assert.Single(appended.Store.Metrics.Value);

        var reopened = Load(); // the appended store was saved as the snapshot of the new inputs
        Assert.True(reopened.Report.FromSnapshot);
        Assert.Equal(0, reopened.Report.FilesParsed);
        StoreAssert.Same(cold.Store, reopened.Store);
    }

    [Fact]
    public void Two_appends_in_turn_dedupe_against_every_earlier_file()
    {
        Write();
        Load();
        WriteNewFile();
        Load();
        _ws.Gzip("events-4.csv.gz", "timestamp,event,user_id,account_id,event_id\n2026-02-05,exported,u2,,e5\n2026-02-05,login,u1,,e8\n");

        var appended = Load();
        var cold = Load(snapshot: false);

        Assert.True(appended.Report.Appended);
        Assert.Equal(1, appended.Report.FilesParsed);
        StoreAssert.Same(cold.Store, appended.Store);
        Assert.Equal(1, appended.Report.Files.Single(f => f.File.EndsWith("events-4.csv.gz", StringComparison.Ordinal)).Duplicates);
    }

    [Theory]
    [InlineData("modified")]
    [InlineData("sorts-before")]
    [InlineData("new-user")]
    [InlineData("other-table")]
    public void A_modified_file_or_a_new_file_that_cannot_be_appended_rebuilds(string change)
    {
        Write();
        Load();
        switch (change)
        {
            case "modified":
                WriteNewFile();
                _ws.Gzip("events-1.csv.gz", "timestamp,event,user_id,account_id,event_id,properties\n2026-02-01T10:00:00Z,login,u1,,e1,\n");
                File.SetLastWriteTimeUtc(_ws.PathOf("events-1.csv.gz"), DateTime.UtcNow.AddMinutes(1));
                break;
            case "sorts-before":
                WriteNewFile("events-0.csv.gz");
                break;
            case "new-user":
                _ws.Gzip("events-3.csv.gz", "timestamp,event,user_id,account_id,event_id\n2026-02-05,login,u9,beta,e9\n");
                break;
            default:
                WriteNewFile();
                _ws.File("metrics.csv", "account_id,date,metric,value\nacme,2026-02-01,api_calls,5\n");
                File.SetLastWriteTimeUtc(_ws.PathOf("metrics.csv"), DateTime.UtcNow.AddMinutes(1));
                break;
        }

        var after = Load();
        var cold = Load(snapshot: false);

        Assert.False(after.Report.Appended);
        Assert.False(after.Report.FromSnapshot);
        Assert.Equal(cold.Report.Files.Count, after.Report.FilesParsed);
        Assert.Contains(_progress, p => p.StartsWith("not appending: ", StringComparison.Ordinal));
        StoreAssert.Same(cold.Store, after.Store);
    }
}
