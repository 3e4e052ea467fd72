using Pql.Core.Application;
using Pql.Core.Governance;
using Pql.Core.State;

namespace Pql.App.Tests;

/// <summary>
/// Config changes are audited: a command that acts on the workspace records one <c>config_changed</c> entry (new hash and what changed)
/// when pql.yaml differs from the last audited one, and none when it does not.
/// </summary>
public sealed class ConfigAuditTests : IDisposable
{
    private readonly CliWorkspace _ws = new("pql-config-audit-");

    public void Dispose() => _ws.Dispose();

    private async Task<IReadOnlyList<ChainedAuditEntry>> ConfigEntries()
    {
        using var store = SqliteStateStore.OpenWorkspace(_ws.StateDirectory);
        var trail = await store.AuditTrailAsync();
        Assert.True(AuditVerifier.Verify(trail).Intact);
        return [.. trail.Entries.Where(e => e.Entry.Action == ConfigAudit.Action)];
    }

    private void Ok(params string[] args)
    {
        var (code, output, error) = _ws.Run(args);
        Assert.True(code == 0, $"pql {string.Join(' ', args)} exited {code}: {error}{output}");
    }

    [Fact]
    public async Task A_changed_pql_yaml_is_recorded_once_with_its_hash_and_what_changed_by_the_next_acting_command()
    {
        var yaml = Path.Combine(_ws.Dir, "pql.yaml");
        Ok("feedback", "list", "--goal", "conversion", "--by", "ann");
        var first = Assert.Single(await ConfigEntries());
        Assert.Equal("user:ann", first.Entry.Actor);
        Assert.Equal($"sha256 {ConfigAudit.Hash(File.ReadAllText(yaml))}: first audited config (2 sections)", first.Entry.Detail);

        Ok("outbox", "--by", "ann");
        Ok("models", "list", "--goal", "conversion", "--by", "ann");
        Assert.Single(await ConfigEntries());   // unchanged: nothing more

        File.AppendAllText(yaml, "\noverrides: { max_entities_without_approval: 3 }\n");
        File.WriteAllText(yaml, File.ReadAllText(yaml).Replace("horizon: 30d", "horizon: 45d", StringComparison.Ordinal));
        Ok("override", "list", "--goal", "conversion", "--by", "bob");
        Ok("feedback", "list", "--goal", "conversion", "--by", "bob");

        var entries = await ConfigEntries();
        Assert.Equal(2, entries.Count);
        var changed = entries[1].Entry;
        Assert.Equal("user:bob", changed.Actor);
        Assert.Equal($"sha256 {ConfigAudit.Hash(File.ReadAllText(yaml))}: edited goals (+1 -1 lines); added overrides", changed.Detail);
    }

    [Theory]
    [InlineData("a: 1\nb:\n  x: 1\n", "a: 1\nb:\n  x: 2\n  y: 3\n", "edited b (+2 -1 lines)")]
    [InlineData("a: 1\nb: 2\n", "a: 1\nc: 3\n", "added c; removed b")]
    [InlineData("a: 1\n", "# note\na: 1\n\n", "comments or layout only")]
    public void The_summary_names_the_sections_that_changed(string before, string after, string expected) =>
        Assert.Equal(expected, ConfigAudit.Summary(before, after));
}
