using Pql.Core.Ingest;

namespace Pql.Core.Tests.Ingest;

/// <summary>Load once: unchanged inputs reopen the snapshot; any change, or a damaged snapshot, rebuilds it.</summary>
public sealed class LoadSnapshotTests : IDisposable
{
    private readonly TestWorkspace _ws = new();
    private readonly CapturingLoggerProvider _log = new();

    public void Dispose()
    {
        _ws.Dispose();
        _log.Dispose();
    }

    private const string Yaml = """
        data:
          accounts: accounts.csv
          users: users.csv
          events: events-*.csv.gz
          max_reject_share: 0.5
        goals:
          paid: { achieved_when: { event: upgraded, where: { plan: pro } }, horizon: 30d }
        """;

    private void Write()
    {
        _ws.File("accounts.csv", "account_id,created_at,segment,employees\nacme,2026-01-01,enterprise,500\nbeta,2026-01-05,smb,12\n");
        _ws.File("users.csv", "user_id,account_id,created_at,role\nu1,acme,2026-01-01,admin\nu2,beta,2026-01-06,member\n");
        _ws.Gzip("events-1.csv.gz", "timestamp,event,user_id,account_id,properties\n2026-02-01T10:00:00Z,login,u1,,\n2026-02-02,upgraded,u2,,\"{\"\"plan\"\":\"\"pro\"\"}\"\nbad,login,u1,,\n");
    }

    private LoadResult Load(string? yaml = null) =>
        WorkspaceLoader.Load(_ws.Config(yaml ?? Yaml), new LoadOptions { Log = _log.Logger, WriteRejects = true });

    [Fact]
    public void Unchanged_inputs_reopen_the_snapshot_with_the_same_store_and_report()
    {
        Write();
        var first = Load();
        var second = Load();

        Assert.False(first.Report.FromSnapshot);
        Assert.True(second.Report.FromSnapshot);
        Assert.True(File.Exists(_ws.PathOf(".pql/store.snapshot")));
        StoreAssert.Same(first.Store, second.Store);
        Assert.Equal(first.Report.Summary(), second.Report.Summary());
        Assert.Equal(first.Report.RejectsByReason, second.Report.RejectsByReason);
        Assert.Equal("pro", second.Store.Properties["plan"].Values[0]);
    }

    [Theory]
    [InlineData("changed")]
    [InlineData("added")]
    [InlineData("removed")]
    [InlineData("config")]
    public void A_changed_added_or_removed_file_or_a_changed_data_section_rebuilds(string change)
    {
        Write();
        _ws.Gzip("events-2.csv.gz", "timestamp,event,account_id\n2026-03-01,login,beta\n");
        var before = Load();
        var yaml = Yaml;
        switch (change)
        {
            case "changed":
                _ws.File("accounts.csv", "account_id,created_at,segment,employees\nacme,2026-01-01,enterprise,500\nbeta,2026-01-05,smb,13\n");
                break;
            case "added":
                _ws.Gzip("events-3.csv.gz", "timestamp,event,account_id\n2026-03-02,login,acme\n");
                break;
            case "removed":
                File.Delete(_ws.PathOf("events-2.csv.gz"));
                break;
            default:
                yaml = Yaml.Replace("events: events-*.csv.gz", "events: { path: events-*.csv.gz, where: { event: { not: login } } }", StringComparison.Ordinal);
                break;
        }

        var after = Load(yaml);

        Assert.False(after.Report.FromSnapshot);
        Assert.Contains("loading the files: the inputs or pql.yaml changed since the snapshot", _log.Messages("Progress"));
        var expectedEvents = change switch { "added" => 4, "removed" => 2, "config" => 1, _ => 3 };
        Assert.Equal(3, before.Store.EventCount);
        Assert.Equal(expectedEvents, after.Store.EventCount);
        Assert.True(Load(yaml).Report.FromSnapshot); // and the rebuilt snapshot serves the next load
    }

    [Fact]
    public void Events_appended_to_an_ingest_segment_rebuild_the_snapshot()
    {
        Write();
        using var segments = new IngestSegmentWriter(_ws.Config(Yaml));
        segments.AppendEvents(["""{"timestamp":"2026-03-01T00:00:00Z","event":"login","account_id":"beta"}"""]);
        var before = Load();
        segments.AppendEvents(["""{"timestamp":"2026-03-02T00:00:00Z","event":"login","account_id":"acme"}"""]);

        var after = Load();

        Assert.Equal(3, before.Store.EventCount);
        Assert.False(after.Report.FromSnapshot); // pql serve's posted rows are inputs: a snapshot without them is stale
        Assert.Equal(4, after.Store.EventCount);
    }

    [Theory]
    [InlineData("flipped", "the snapshot's checksum does not match (damaged)")]
    [InlineData("truncated", "the snapshot is cut short")]
    [InlineData("header", "the snapshot is of another format")]
    public void A_damaged_or_half_written_snapshot_is_detected_and_rebuilt_never_used(string damage, string reason)
    {
        Write();
        var first = Load();
        var path = _ws.PathOf(".pql/store.snapshot");
        var bytes = File.ReadAllBytes(path);
        bytes = damage switch
        {
            "flipped" => Flip(bytes, bytes.Length / 2),
            "truncated" => bytes[..(bytes.Length * 2 / 3)],
            _ => Flip(bytes, 0),
        };
        File.WriteAllBytes(path, bytes);

        var again = Load();

        Assert.False(again.Report.FromSnapshot);
        Assert.Contains($"loading the files: {reason}", _log.Messages("Progress"));
        StoreAssert.Same(first.Store, again.Store);
        Assert.True(Load().Report.FromSnapshot);
    }

    private static byte[] Flip(byte[] bytes, int at)
    {
        bytes[at] ^= 0x40;
        return bytes;
    }

    [Fact]
    public void No_snapshot_is_kept_when_state_writes_are_off_or_the_load_fails()
    {
        Write();
        WorkspaceLoader.Load(_ws.Config(Yaml), new LoadOptions { WriteRejects = false });
        Assert.False(File.Exists(_ws.PathOf(".pql/store.snapshot")));

        var failing = Yaml.Replace("max_reject_share: 0.5", "max_reject_share: 0.1", StringComparison.Ordinal);
        Assert.Throws<Pql.Core.Ingest.DataLoadException>(() => Load(failing)); // 1 of 7 rows rejected: past 10%
        Assert.False(File.Exists(_ws.PathOf(".pql/store.snapshot")));
    }
}
