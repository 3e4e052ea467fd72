using Pql.Core.State;
using Pql.Core.Tests.Servers;

namespace Pql.Core.Tests.State;

/// <summary>What every <see cref="IAuditChain"/> must do: chain each entry to the one before it, whoever appends it.</summary>
public abstract class AuditChainContract<TFactory> : StateContract<TFactory> where TFactory : IStateStoreFactory, new()
{
    [ServerFact]
    public async Task Entries_are_chained_from_the_genesis_hash_in_the_order_written()
    {
        await Store.AppendAuditAsync(new AuditEntry(1, "user:lead", "override", "first"));
        await Store.PauseConnectorAsync("crm", "incident", Alice);
        await Open().AppendAuditAsync(new AuditEntry(3, "user:bob", "feedback", "third"));

        var trail = await Store.AuditTrailAsync();

        Assert.Equal(["first", "crm: incident", "third"], trail.Entries.Select(e => e.Entry.Detail));
        Assert.Equal(AuditHash.Genesis, trail.Entries[0].PreviousHash);
        for (var i = 0; i < trail.Entries.Count; i++)
        {
            Assert.Equal(AuditHash.Compute(trail.Entries[i].PreviousHash, trail.Entries[i].Entry), trail.Entries[i].Hash);
            if (i > 0)
                Assert.Equal(trail.Entries[i - 1].Hash, trail.Entries[i].PreviousHash);
        }
        Assert.Equal(trail.Entries[^1].Id, trail.LastIssuedId);
        Assert.True(trail.Entries[0].Id < trail.Entries[1].Id);
    }

    [ServerFact]
    public async Task An_empty_log_is_an_empty_chain()
    {
        var trail = await Store.AuditTrailAsync();

        Assert.Empty(trail.Entries);
        Assert.Equal(0, trail.LastIssuedId);
    }
}
