using Pql.Core.State;
using Pql.Core.Tests.Servers;

namespace Pql.Core.Tests.State;

/// <summary>What every <see cref="IModelRegistry"/> must do.</summary>
public abstract class ModelRegistryContract<TFactory> : StateContract<TFactory> where TFactory : IStateStoreFactory, new()
{
    private static ModelRecord Model(string version, long created) => new("conversion", version, "gbdt", $"models/{version}.json", """{"gbdt":{"PrAuc":0.4}}""", created);

    [ServerFact]
    public async Task Register_makes_the_new_version_current_and_lists_versions_oldest_first()
    {
        Assert.Null(await Store.CurrentModelAsync("conversion"));

        await Store.RegisterModelAsync(Model("v1", 1), Alice);
        await Store.RegisterModelAsync(Model("v2", 2), Alice);

        Assert.Equal("v2", (await Store.CurrentModelAsync("conversion"))!.Version);
        Assert.Equal(["v1", "v2"], (await Store.ModelsAsync("conversion")).Select(m => m.Version));
        Assert.Null(await Store.CurrentModelAsync("churn"));
    }

    [ServerFact]
    public async Task SetCurrent_rolls_back_to_a_registered_version_and_refuses_an_unknown_one()
    {
        await Store.RegisterModelAsync(Model("v1", 1), Alice);
        await Store.RegisterModelAsync(Model("v2", 2), Alice);
        await Store.RegisterModelAsync(Model("v3", 3), Alice, makeCurrent: false);

        Assert.Equal("v2", (await Store.CurrentModelAsync("conversion"))!.Version);
        await Store.SetCurrentModelAsync("conversion", "v1", Actor.ApiKey("ops"));

        Assert.Equal("v1", (await Store.CurrentModelAsync("conversion"))!.Version);
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.SetCurrentModelAsync("conversion", "v9", Alice));
        Assert.Equal("v1", (await Store.CurrentModelAsync("conversion"))!.Version);
        Assert.Contains(await Store.AuditAsync(), a => a.Actor == "key:ops" && a.Action == "model_current" && a.Detail.Contains("v1", StringComparison.Ordinal));
    }

    [ServerFact]
    public async Task Register_of_a_version_twice_fails_and_keeps_the_first()
    {
        await Store.RegisterModelAsync(Model("v1", 1), Alice);

        await Assert.ThrowsAnyAsync<Exception>(() => Store.RegisterModelAsync(Model("v1", 5) with { Kind = "rules" }, Alice));

        Assert.Equal("gbdt", Assert.Single(await Store.ModelsAsync("conversion")).Kind);
    }
}
