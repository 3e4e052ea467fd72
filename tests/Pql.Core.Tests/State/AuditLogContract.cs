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
}
