using Microsoft.Data.Sqlite;
using Pql.Core.Governance;
using Pql.Core.State;

namespace Pql.Core.Tests.Governance;

/// <summary>Tampers the audit rows of a real state.db directly, as someone with the file would, and checks the entry is named.</summary>
public sealed class AuditVerifierTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-audit-").FullName;
    private readonly string _db;

    public AuditVerifierTests()
    {
        using var store = SqliteStateStore.OpenWorkspace(Path.Combine(_dir, ".pql"));
        _db = store.Path;
        for (var i = 1; i <= 6; i++)
            store.AppendAuditAsync(new AuditEntry(1000 + i, "user:lead", i % 2 == 0 ? "override" : "feedback", $"entry {i}")).GetAwaiter().GetResult();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void An_untouched_log_verifies()
    {
        var result = Verify();

        Assert.True(result.Intact);
        Assert.Equal(6, result.Checked);
    }

    [Fact]
    public void An_edited_entry_is_named()
    {
        Sql("UPDATE audit SET detail = 'entry 3, softened' WHERE id = 3");

        var problem = Assert.Single(Verify().Problems);

        Assert.Equal((3L, AuditProblemKind.Edited), (problem.EntryId, problem.Kind));
    }

    [Fact]
    public void An_entry_edited_and_rehashed_is_named_by_the_broken_link_after_it()
    {
        var rehashed = AuditHash.Compute(Hash(2), new AuditEntry(1003, "user:lead", "feedback", "entry 3, softened"));
        Sql($"UPDATE audit SET detail = 'entry 3, softened', hash = '{rehashed}' WHERE id = 3");

        var problem = Assert.Single(Verify().Problems);

        Assert.Equal((3L, AuditProblemKind.Edited), (problem.EntryId, problem.Kind));
        Assert.Contains("re-hashed", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_deleted_entry_is_named()
    {
        Sql("DELETE FROM audit WHERE id = 4");

        var problem = Assert.Single(Verify().Problems);

        Assert.Equal((4L, AuditProblemKind.Deleted), (problem.EntryId, problem.Kind));
    }

    [Fact]
    public void Deleting_the_last_entries_is_seen_from_the_ids_issued()
    {
        Sql("DELETE FROM audit WHERE id >= 5");

        var problem = Assert.Single(Verify().Problems);

        Assert.Equal((5L, AuditProblemKind.Deleted), (problem.EntryId, problem.Kind));
        Assert.Equal("entries #5 to #6 were deleted", problem.Message);
    }

    [Fact]
    public void Two_swapped_entries_are_both_named_and_nothing_else()
    {
        SwapRows(2, 3);

        var problems = Verify().Problems;

        Assert.Equal([(2L, AuditProblemKind.Reordered), (3L, AuditProblemKind.Reordered)], problems.Select(p => (p.EntryId, p.Kind)));
    }

    [Fact]
    public async Task Entries_appended_after_an_upgrade_from_version_2_chain_onto_the_old_rows()
    {
        var path = Path.Combine(_dir, "v2.db");
        using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            c.Open();
            SqliteMigrations.Apply(c, upTo: 2);
            using var cmd = c.CreateCommand();
            cmd.CommandText = "INSERT INTO audit (at_ms, actor, action, detail) VALUES (1, 'os:a', 'score_run', 'old 1'), (2, 'os:a', 'score_run', 'old 2')";
            cmd.ExecuteNonQuery();
        }
        using var upgraded = new SqliteStateStore(path);
        await upgraded.AppendAuditAsync(new AuditEntry(3, "user:lead", "override", "new"));

        var result = AuditVerifier.Verify(await upgraded.AuditTrailAsync());

        Assert.True(result.Intact);
        Assert.Equal(3, result.Checked);
    }

    private AuditVerification Verify()
    {
        using var store = new SqliteStateStore(_db);
        return AuditVerifier.Verify(store.AuditTrailAsync().GetAwaiter().GetResult());
    }

    private string Hash(long id)
    {
        using var c = Connection();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT hash FROM audit WHERE id = {id}";
        return (string)cmd.ExecuteScalar()!;
    }

    /// <summary>Exchanges every column but the id of two rows: the entries change places.</summary>
    private void SwapRows(long a, long b)
    {
        const string Columns = "at_ms, actor, action, detail, prev_hash, hash";
        object[] Read(long id)
        {
            using var c = Connection();
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT {Columns} FROM audit WHERE id = {id}";
            using var r = cmd.ExecuteReader();
            r.Read();
            var values = new object[r.FieldCount];
            r.GetValues(values);
            return values;
        }
        void Write(long id, object[] v)
        {
            using var c = Connection();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "UPDATE audit SET at_ms = $0, actor = $1, action = $2, detail = $3, prev_hash = $4, hash = $5 WHERE id = $id";
            for (var i = 0; i < v.Length; i++)
                cmd.Parameters.AddWithValue($"${i}", v[i]);
            cmd.Parameters.AddWithValue("$id", id);
            cmd.ExecuteNonQuery();
        }
        var (first, second) = (Read(a), Read(b));
        Write(a, second);
        Write(b, first);
    }

    private void Sql(string sql)
    {
        using var c = Connection();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private SqliteConnection Connection()
    {
        var c = new SqliteConnection($"Data Source={_db};Pooling=False");
        c.Open();
        return c;
    }
}
