using Pql.Core.State;
using Pql.Core.Workspace;

namespace Pql.Core.Application;

public sealed record ModelsRequest(string Workspace, string Goal) : UseCaseRequest(Workspace)
{
    /// <summary>The version to promote or roll back to; for a rollback, null means the version registered before the current one.</summary>
    public string? Version { get; init; }
}

/// <summary>A goal's versions, which one is current, and which wait for approval.</summary>
public sealed record ModelsResult(IReadOnlyList<ModelRecord> Versions, string? Current, IReadOnlyList<PendingPromotion> Pending);

/// <summary>
/// The model versions use cases: list, promote, roll back. Promoting a version that waits for approval approves it, so
/// the identity that requested it cannot; promoting or rolling back to any other registered version makes it current at
/// once, and the next scoring uses it (scoring reads the registry's current version).
/// </summary>
public static class ModelsService
{
    public static async Task<ModelsResult> ListAsync(ModelsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var session = WorkspaceSession.Open(request.Workspace, loadData: false);
        await session.AuditConfigAsync(request.By, cancellationToken).ConfigureAwait(false);
        return await Describe(session.State, request.Goal, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<ModelsResult> PromoteAsync(ModelsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var version = request.Version ?? throw new PqlInputException("--version: name the version to promote (pql models list shows them)");
        using var session = WorkspaceSession.Open(request.Workspace, loadData: false);
        await session.AuditConfigAsync(request.By, cancellationToken).ConfigureAwait(false);
        var state = session.State;
        var pending = await state.PendingPromotionsAsync(request.Goal, cancellationToken).ConfigureAwait(false);
        await Guard(() => pending.Any(p => p.Version == version)
            ? state.ApprovePromotionAsync(request.Goal, version, request.By, cancellationToken)
            : state.SetCurrentModelAsync(request.Goal, version, request.By, cancellationToken)).ConfigureAwait(false);
        return await Describe(state, request.Goal, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<ModelsResult> RollbackAsync(ModelsRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var session = WorkspaceSession.Open(request.Workspace, loadData: false);
        await session.AuditConfigAsync(request.By, cancellationToken).ConfigureAwait(false);
        var state = session.State;
        var before = await Describe(state, request.Goal, cancellationToken).ConfigureAwait(false);
        var target = request.Version ?? Previous(before)
            ?? throw new PqlInputException($"goal '{request.Goal}' has no earlier version to roll back to");
        await Guard(() => state.SetCurrentModelAsync(request.Goal, target, request.By, cancellationToken)).ConfigureAwait(false);
        return await Describe(state, request.Goal, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The version registered just before the current one.</summary>
    private static string? Previous(ModelsResult models)
    {
        var at = -1;
        for (var i = 0; i < models.Versions.Count; i++)
        {
            if (models.Versions[i].Version == models.Current)
                at = i;
        }
        return at > 0 ? models.Versions[at - 1].Version : null;
    }

    /// <summary>The store refuses an unknown version or a self-approval: that is bad input, one line, exit 2.</summary>
    private static async Task Guard(Func<Task> change)
    {
        try
        {
            await change().ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            throw new PqlInputException(e.Message, e);
        }
    }

    private static async Task<ModelsResult> Describe(IStateStore state, string goal, CancellationToken ct) => new(
        await state.ModelsAsync(goal, ct).ConfigureAwait(false),
        (await state.CurrentModelAsync(goal, ct).ConfigureAwait(false))?.Version,
        await state.PendingPromotionsAsync(goal, ct).ConfigureAwait(false));
}
