using Microsoft.Extensions.Logging.Abstractions;
using Pql.Core.State;
using Pql.Core.Workspace;
using Pql.Server.Live;

namespace Pql.Server.Tests;

/// <summary>Schedules run inside the server through the application services the CLI uses.</summary>
public sealed class ScheduleTests
{
    [Fact]
    public async Task A_scheduled_retrain_registers_a_new_model_through_the_train_service_and_the_next_pass_reads_the_workspace_again()
    {
        await using var server = await RunningServer.StartAsync();
        var engine = server.Service<WorkspaceEngine>();
        using var state = StateStores.Open(engine.Config);
        var before = await state.ModelsAsync("conversion");
        var loaded = engine.Load;

        var schedules = new ScheduleService(engine, server.Service<ServiceHealth>(), server.Service<ScoreBoard>(), NullLogger<ScheduleService>.Instance);
        await schedules.RunOnceAsync(new ScheduleConfig(ScheduledTask.Retrain, "conversion", 3_600_000, 0), CancellationToken.None);

        var after = await state.ModelsAsync("conversion");
        Assert.Equal(before.Count + 1, after.Count);
        Assert.DoesNotContain(after[^1].Version, before.Select(m => m.Version));
        Assert.True(File.Exists(after[^1].ArtifactPath));

        // Only the loop marks the full load (after a successful run); the next refresh then reads the workspace, not the old store.
        engine.RequestFullLoad();
        Assert.NotSame(loaded, engine.Refresh());
        Assert.Same(engine.Load, engine.Refresh()); // nothing pending, no load due: the store is kept
    }
}
