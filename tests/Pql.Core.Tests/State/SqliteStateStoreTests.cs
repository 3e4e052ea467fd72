using Microsoft.Data.Sqlite;
using Pql.Core.State;
using Pql.Core.Tests.Playbooks;

namespace Pql.Core.Tests.State;

public sealed class SqliteStateStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-state-").FullName;
    private readonly SqliteStateStore _store;

    public SqliteStateStoreTests() => _store = SqliteStateStore.OpenWorkspace(Path.Combine(_dir, ".pql"));

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static TriggerFiring Firing(string run, string entity) => new(run, "conversion", entity, "t", "p", "why", "{}", 1);

    [Fact]
    public void Open_creates_a_wal_database_at_the_latest_schema_version_and_reopens_it()
    {
        Assert.Equal(SqliteMigrations.LatestVersion, _store.SchemaVersion);
        using var again = new SqliteStateStore(_store.Path);
        using var c = new SqliteConnection($"Data Source={_store.Path}");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";

        Assert.Equal("wal", (string?)cmd.ExecuteScalar());
        Assert.Equal(SqliteMigrations.LatestVersion, again.SchemaVersion);
    }

    [Fact]
    public void SaveScoreRun_round_trips_rows_drivers_and_attributes()
    {
        var row = Some.Row("acme", 0.75, "high_touch", new Dictionary<string, string> { ["owner"] = "005X" }, new Driver("activity.events_7d", 12, 0.21));

        _store.SaveScoreRun(Some.Run("run-1", row), [Firing("run-1", "acme")], []);
        var loaded = _store.LoadRun("run-1")!;

        var r = Assert.Single(loaded.Rows);
        Assert.Equal(0.75, r.Score, 12);
        Assert.Equal("005X", r.Attributes["owner"]);
        Assert.Equal(new Driver("activity.events_7d", 12, 0.21), Assert.Single(r.Drivers));
        Assert.Single(_store.TriggerLog("conversion"));
    }

    [Fact]
    public void SaveScoreRun_keeps_a_missing_feature_value_as_nan()
    {
        var row = Some.Row("acme", 0.5, "assisted", null, new Driver("firmo.employees", double.NaN, 0.1));

        _store.SaveScoreRun(Some.Run("run-1", row), [], []);

        Assert.True(double.IsNaN(Assert.Single(_store.LoadRun("run-1")!.Rows[0].Drivers).Value));
    }

    [Fact]
    public void SaveScoreRun_that_fails_midway_leaves_no_trace()
    {
        var action = Some.Action("hook", "post", "{}", id: "dup");
        _store.SaveScoreRun(Some.Run("run-1", Some.Row("a", 0.1, "nurture")), [], [action]);

        Assert.Throws<SqliteException>(() =>
            _store.SaveScoreRun(Some.Run("run-2", Some.Row("a", 0.9, "high_touch")), [Firing("run-2", "a")], [action with { RunId = "run-2" }]));

        Assert.Single(_store.Runs("conversion"));
        Assert.Empty(_store.TriggerLog("conversion"));
        Assert.Equal(0.1, _store.LatestScores("conversion")["a"].Score, 12);
    }

    [Fact]
    public void LatestScores_takes_each_entity_from_the_latest_run_that_scored_it()
    {
        _store.SaveScoreRun(Some.Run("run-1", Some.Row("a", 0.1, "nurture"), Some.Row("b", 0.2, "nurture")), [], []);
        _store.SaveScoreRun(Some.Run("run-2", Some.Row("a", 0.8, "high_touch")), [], []);

        var latest = _store.LatestScores("conversion");

        Assert.Equal(0.8, latest["a"].Score, 12);
        Assert.Equal(0.2, latest["b"].Score, 12);
        Assert.Equal(["run-1", "run-2"], _store.Runs("conversion").Select(r => r.RunId));
    }

    [Fact]
    public void Outbox_moves_through_retry_delivered_and_dead_states()
    {
        _store.SaveScoreRun(Some.Run("run-1"), [], [Some.Action("c", "a", "{}", id: "x1"), Some.Action("c", "a", "{}", id: "x2")]);

        _store.MarkRetry("x1", 1, 5_000_000_000_000, "HTTP 503");
        _store.MarkDead("x2", 3, "HTTP 400");

        Assert.Empty(_store.DueActions(Some.Start.ToUnixTimeMilliseconds(), 10));
        Assert.Equal(5_000_000_000_000, _store.NextPendingMs());
        Assert.Equal("HTTP 400", Assert.Single(_store.Outbox(OutboxStatus.Dead)).LastError);
        _store.MarkDelivered("x1", 2, 9);
        Assert.Equal(1, _store.OutboxCounts()[OutboxStatus.Delivered]);
        Assert.Null(_store.NextPendingMs());
    }

    [Fact]
    public void Models_and_audit_are_recorded()
    {
        _store.RegisterModel(new ModelRecord("conversion", "v1", "gbdt", "models/conversion-v1.json", """{"pr_auc":0.4}""", 1));
        _store.AppendAudit(new AuditEntry(2, "lead", "override", "acme -> high_touch"));

        Assert.Equal("gbdt", Assert.Single(_store.Models("conversion")).Kind);
        Assert.Equal("override", Assert.Single(_store.Audit()).Action);
    }
}
