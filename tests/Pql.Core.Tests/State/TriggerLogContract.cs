using Pql.Core.State;
using Pql.Core.Tests.Servers;

namespace Pql.Core.Tests.State;

/// <summary>What every <see cref="ITriggerLog"/> must do.</summary>
public abstract class TriggerLogContract<TFactory> : StateContract<TFactory> where TFactory : IStateStoreFactory, new()
{
    [ServerFact]
    public async Task TriggerLog_lists_a_goals_firings_in_order_and_filters_by_run()
    {
        await Record("run-1", [Firing("run-1", "a"), Firing("run-1", "b")]);
        await Record("run-2", [Firing("run-2", "c")]);

        Assert.Equal(["a", "b", "c"], (await Store.TriggerLogAsync("conversion")).Select(f => f.EntityId));
        Assert.Equal("c", Assert.Single(await Store.TriggerLogAsync("conversion", "run-2")).EntityId);
        Assert.Empty(await Store.TriggerLogAsync("churn"));
    }
}
