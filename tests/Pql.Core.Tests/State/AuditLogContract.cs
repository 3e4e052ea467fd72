using Pql.Core.State;
using Pql.Core.Tests.Servers;

namespace Pql.Core.Tests.State;

/// <summary>What every <see cref="IAuditLog"/> must do.</summary>
public abstract class AuditLogContract<TFactory> : StateContract<TFactory> where TFactory : IStateStoreFactory, new()
{
    [ServerFact]
    public async Task Audit_returns_the_latest_entries_newest_first_up_to_the_limit()
    {
        for (var i = 0; i < 5; i++)
            await Store.AppendAuditAsync(new AuditEntry(i, "user:lead", "override", $"entry {i}"));

        var latest = await Store.AuditAsync(limit: 2);

        Assert.Equal(["entry 4", "entry 3"], latest.Select(a => a.Detail));
        Assert.Equal("user:lead", latest[0].Actor);
    }

    [ServerFact]
    public async Task Append_after_last_decides_from_the_newest_entry_of_its_action_and_appends_once_under_concurrency()
    {
        await Store.AppendAuditAsync(new AuditEntry(1, "user:lead", "config_changed", "v1"));
        await Store.AppendAuditAsync(new AuditEntry(2, "user:lead", "override", "other"));
        var seen = new List<string?>();

        // Eight connections (as eight commands started together) each append "v2" unless the last entry already is "v2".
        var stores = Enumerable.Range(0, 8).Select(_ => Open()).ToList();
        var appended = await Task.WhenAll(stores.Select(s => Task.Run(() => s.AppendAuditAfterLastAsync("config_changed", last =>
        {
            lock (seen)
                seen.Add(last?.Detail);
            return last?.Detail == "v2" ? null : new AuditEntry(3, "user:lead", "config_changed", "v2");
        }))));

        Assert.Single(appended, a => a is not null);
        Assert.Contains("v1", seen);
        Assert.DoesNotContain("other", seen);
        var entries = await Store.AuditAsync();
        Assert.Equal(["v2", "other", "v1"], entries.Select(e => e.Detail));
        Assert.Null(await Store.AppendAuditAfterLastAsync("config_changed", last => last?.Detail == "v2" ? null : last));
    }
}
