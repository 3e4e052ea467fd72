namespace Pql.Core.State;

/// <summary>Model registry: the versions trained per goal and which one is current (the one scoring uses).</summary>
public interface IModelRegistry
{
    /// <summary>Registers a trained version; unless <paramref name="makeCurrent"/> is false it becomes the goal's current model.</summary>
    Task RegisterModelAsync(ModelRecord model, Actor actor, bool makeCurrent = true, CancellationToken cancellationToken = default);

    /// <summary>Versions of a goal, oldest first.</summary>
    Task<IReadOnlyList<ModelRecord>> ModelsAsync(string goal, CancellationToken cancellationToken = default);

    /// <summary>The goal's current model, or null when none is registered.</summary>
    Task<ModelRecord?> CurrentModelAsync(string goal, CancellationToken cancellationToken = default);

    /// <summary>Makes a registered version current (promote or roll back). Throws when the version is not registered.</summary>
    Task SetCurrentModelAsync(string goal, string version, Actor actor, CancellationToken cancellationToken = default);
}
