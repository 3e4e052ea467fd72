using Pql.Core.State;
using Pql.Core.Workspace;

namespace Pql.Core.Application;

/// <summary>The model a goal scores with: the registry's current version, whose artifact must still be on disk.</summary>
public static class CurrentModel
{
    public static async Task<ModelRecord> RequireAsync(IModelRegistry registry, string goal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var record = await registry.CurrentModelAsync(goal, cancellationToken).ConfigureAwait(false)
            ?? throw new PqlInputException($"goal '{goal}' has no trained model yet; run: pql train --workspace DIR --goal {goal}");
        if (!File.Exists(record.ArtifactPath))
            throw new PqlInputException($"{record.ArtifactPath}: the registered model artifact of goal '{goal}' is missing; train again");
        return record;
    }
}
