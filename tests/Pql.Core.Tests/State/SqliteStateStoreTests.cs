using Microsoft.Data.Sqlite;
using Pql.Core.State;

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
    public async Task Migration_from_version_1_makes_each_goals_latest_model_current()
    {
        var path = Path.Combine(_dir, "v1.db");
        using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            c.Open();
            SqliteMigrations.Apply(c, upTo: 1);
            using var cmd = c.CreateCommand();
            cmd.CommandText = "INSERT INTO models VALUES ('conversion', 'v1', 'gbdt', 'a', '{}', 1), ('conversion', 'v2', 'gbdt', 'b', '{}', 2)";
            cmd.ExecuteNonQuery();
        }

        using var upgraded = new SqliteStateStore(path);

        Assert.Equal(SqliteMigrations.LatestVersion, upgraded.SchemaVersion);
        Assert.Equal("v2", (await upgraded.CurrentModelAsync("conversion"))!.Version);
        Assert.Equal(["v1", "v2"], (await upgraded.ModelsAsync("conversion")).Select(m => m.Version));
    }
}
