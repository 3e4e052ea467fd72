using Microsoft.Data.Sqlite;
using Pql.Core.State;

namespace Pql.App.Tests;

public sealed class AuditCliTests : IDisposable
{
    private readonly CliWorkspace _ws = new("pql-cli-audit-");

    public void Dispose() => _ws.Dispose();

    [Fact]
    public async Task Audit_verify_passes_on_an_untouched_log_and_exits_1_naming_an_edited_entry()
    {
        using (var store = SqliteStateStore.OpenWorkspace(_ws.StateDirectory))
        {
            for (var i = 1; i <= 3; i++)
                await store.AppendAuditAsync(new AuditEntry(i, "user:lead", "override", $"entry {i}"));
        }
        var (intact, intactOut, _) = _ws.Run("audit", "verify");

        using (var c = new SqliteConnection($"Data Source={Path.Combine(_ws.StateDirectory, "state.db")};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "UPDATE audit SET actor = 'user:someone-else' WHERE id = 2";
            cmd.ExecuteNonQuery();
        }
        var (tampered, tamperedOut, _) = _ws.Run("audit", "verify");

        Assert.Equal(0, intact);
        Assert.Contains("audit trail intact: 3 entries", intactOut, StringComparison.Ordinal);
        Assert.Equal(1, tampered);
        Assert.Contains("tampered: entry #2 (override) was edited", tamperedOut, StringComparison.Ordinal);
    }
}
