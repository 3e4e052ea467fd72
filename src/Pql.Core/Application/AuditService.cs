using Pql.Core.Governance;
using Pql.Core.State;

namespace Pql.Core.Application;

public sealed record AuditRequest(string Workspace) : UseCaseRequest(Workspace)
{
    /// <summary>Entries to list, newest first.</summary>
    public int Limit { get; init; } = 20;
}

/// <summary>The verified chain: the check's outcome and the hash of the newest entry, worth keeping elsewhere as an anchor.</summary>
public sealed record AuditVerifyResult(AuditVerification Verification, string? HeadHash);

/// <summary>The audit use cases: list the latest entries, and verify the hash chain.</summary>
public static class AuditService
{
    public static async Task<IReadOnlyList<AuditEntry>> ListAsync(AuditRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var session = WorkspaceSession.Open(request.Workspace, loadData: false);
        return await session.State.AuditAsync(Math.Max(0, request.Limit), cancellationToken).ConfigureAwait(false);
    }

    public static async Task<AuditVerifyResult> VerifyAsync(AuditRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var session = WorkspaceSession.Open(request.Workspace, loadData: false);
        var trail = await session.State.AuditTrailAsync(cancellationToken).ConfigureAwait(false);
        return new AuditVerifyResult(AuditVerifier.Verify(trail), trail.Entries.Count > 0 ? trail.Entries[^1].Hash : null);
    }
}
