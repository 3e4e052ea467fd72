using Microsoft.Data.Sqlite;
using Pql.Core.State;

namespace Pql.App.Tests;

public sealed class AuditCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-cli-audit-").FullName;

    public AuditCliTests()
    {
        File.WriteAllText(Path.Combine(_dir, "accounts.csv"), "account_id,created_at\na1,2024-01-01\n");
        File.WriteAllText(Path.Combine(_dir, "events.csv"), "timestamp,event,account_id\n2024-01-02,login,a1\n");
        File.WriteAllText(Path.Combine(_dir, "pql.yaml"), """
            data: { accounts: accounts.csv, events: events.csv }
            goals:
              conversion: { achieved_when: { event: subscription_started }, horizon: 30d }
            """);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Audit_verify_passes_on_an_untouched_log_and_exits_1_naming_an_edited_entry()
    {
        using (var store = SqliteStateStore.OpenWorkspace(Path.Combine(_dir, ".pql")))
        {
            for (var i = 1; i <= 3; i++)
                await store.AppendAuditAsync(new AuditEntry(i, "user:lead", "override", $"entry {i}"));
        }
        var (intact, intactOut) = Run();

        using (var c = new SqliteConnection($"Data Source={Path.Combine(_dir, ".pql", "state.db")};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "UPDATE audit SET actor = 'user:someone-else' WHERE id = 2";
            cmd.ExecuteNonQuery();
        }
        var (tampered, tamperedOut) = Run();

        Assert.Equal(0, intact);
        Assert.Contains("audit trail intact: 3 entries", intactOut, StringComparison.Ordinal);
        Assert.Equal(1, tampered);
        Assert.Contains("tampered: entry #2 (override) was edited", tamperedOut, StringComparison.Ordinal);
    }

    private (int Code, string Output) Run()
    {
        var output = new StringWriter();
        var code = Pql.Cli.CliApp.Run(["audit", "verify", "--workspace", _dir], output, new StringWriter());
        return (code, output.ToString());
    }
}
