using System.Net;
using Pql.Core.Application;
using Pql.Core.Ingest;
using Pql.Core.Scoring;
using Pql.Core.State;
using Pql.Core.Workspace;

namespace Pql.Server.Tests;

/// <summary>What the server computes for a touched entity equals what the batch engine computes from the same data at the same time.</summary>
public sealed class LiveParityTests
{
    [Fact]
    public async Task A_live_rescored_row_equals_the_batch_score_of_the_same_data_at_the_same_as_of()
    {
        await using var server = await RunningServer.StartAsync();
        using var writer = server.Client(server.WriteKey);
        var lines = Enumerable.Range(0, 30).Select(i =>
            $$"""{"timestamp":"2026-10-31T2{{i % 4}}:{{i:D2}}:00Z","event":"{{(i % 3 == 0 ? "integration_connected" : "workflow_run")}}","account_id":"a{{1 + i % 5}}","event_id":"parity-{{i}}"}""").ToArray();
        Assert.Equal(HttpStatusCode.Accepted, (await writer.PostAsync("/v1/events", RunningServer.Ndjson(lines))).StatusCode);

        var config = ConfigLoader.Load(server.Workspace);
        using var state = StateStores.Open(config);
        ScoreRun? live = null;
        for (var i = 0; i < 300 && live is null; i++)
        {
            await Task.Delay(100);
            var runs = await state.RunsAsync("conversion");
            if (runs.LastOrDefault(r => r.RunId.Contains("-live-", StringComparison.Ordinal)) is { } summary)
                live = await state.LoadRunAsync(summary.RunId);
        }
        Assert.NotNull(live);
        Assert.NotEmpty(live.Rows);

        var model = await CurrentModel.RequireAsync(state, "conversion");
        var load = WorkspaceLoader.Load(config, new LoadOptions { WriteRejects = false, PropertyKeys = Pql.Core.Features.FeatureConfig.Parse(config).PropertyKeysNeeded });
        var batch = WorkspaceScorer.Score(config, load, config.Goal("conversion"), new ScoreOptions { ModelPath = model.ArtifactPath, AsOfMs = live.AsOfMs, Threads = 1 });
        var byId = batch.Rows.ToDictionary(r => r.EntityId, StringComparer.Ordinal);
        foreach (var row in live.Rows)
        {
            var expected = byId[row.EntityId];
            Assert.Equal(expected.Score, row.Score, 12);
            Assert.Equal(expected.Tier, row.Tier);
            Assert.Equal(expected.Drivers.Select(d => (d.Feature, d.Value)), row.Drivers.Select(d => (d.Feature, d.Value)));
        }
    }
}
