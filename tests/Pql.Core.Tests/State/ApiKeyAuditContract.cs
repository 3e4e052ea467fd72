using Pql.Core.Governance;
using Pql.Core.State;
using Pql.Core.Tests.Servers;

namespace Pql.Core.Tests.State;

/// <summary>
/// API-key changes join the workspace's hash chain like every other audit entry (in the SQLite file with SQLite state, in PostgreSQL with
/// PostgreSQL state), so <c>pql audit verify</c> names an edited key entry.
/// </summary>
public abstract class ApiKeyAuditContract<TFactory> : StateContract<TFactory> where TFactory : IStateStoreFactory, new()
{
    [ServerFact]
    public async Task Key_creation_and_revocation_are_chained_and_an_edited_key_entry_is_named()
    {
        var keys = Factory.Keys(Store);
        await Store.AppendAuditAsync(new AuditEntry(Now, "user:lead", "override", "before the key"));
        await keys.CreateKeyAsync("crm-sync", ApiKeyRole.Write, Alice);
        await keys.RevokeKeyAsync("crm-sync", Alice);
        await Store.AppendAuditAsync(new AuditEntry(Now, "user:lead", "feedback", "after the key"));

        var trail = await Store.AuditTrailAsync();
        Assert.Equal(["override", "api-key.create", "api-key.revoke", "feedback"], trail.Entries.Select(e => e.Entry.Action));
        Assert.True(AuditVerifier.Verify(trail).Intact, string.Join("; ", AuditVerifier.Verify(trail).Problems.Select(p => p.Message)));

        var created = trail.Entries[1];
        Factory.Execute($"UPDATE audit SET detail = 'crm-sync (admin)' WHERE id = {created.Id}");
        var problems = AuditVerifier.Verify(await Store.AuditTrailAsync()).Problems;

        var problem = Assert.Single(problems);
        Assert.Equal((created.Id, AuditProblemKind.Edited), (problem.EntryId, problem.Kind));
        Assert.Contains("api-key.create", problem.Message, StringComparison.Ordinal);
    }

    [ServerFact]
    public async Task A_key_whose_audit_entry_cannot_be_written_is_not_created()
    {
        var keys = Factory.Keys(Store);
        Factory.RefuseAuditAction("api-key.create");

        await Assert.ThrowsAnyAsync<Exception>(() => keys.CreateKeyAsync("crm-sync", ApiKeyRole.Write, Alice));

        Assert.Empty(await keys.KeysAsync());
        Assert.Empty((await Store.AuditTrailAsync()).Entries);
    }
}
