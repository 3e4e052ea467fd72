using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pql.Core.Application;
using Pql.Core.Features;
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
            if (row.Drivers.Count > 0) // explained live because a trigger fired
                Assert.Equal(expected.Drivers.Select(d => (d.Feature, d.Value)), row.Drivers.Select(d => (d.Feature, d.Value)));
        }

        // A row written without drivers is explained when read, with the batch engine's drivers.
        using var reader = server.Client(server.ReadKey);
        foreach (var row in live.Rows.Take(3))
        {
            var entity = await reader.GetFromJsonAsync<JsonElement>($"/v1/accounts/{row.EntityId}");
            var latest = entity.GetProperty("goals").EnumerateArray().Single(g => g.GetProperty("goal").GetString() == "conversion").GetProperty("latest");
            var drivers = latest.GetProperty("row").GetProperty("drivers").EnumerateArray().Select(d => d.GetProperty("feature").GetString()).ToList();
            if (latest.GetProperty("runId").GetString() == live.RunId)
                Assert.Equal(byId[row.EntityId].Drivers.Select(d => d.Feature), drivers);
        }
    }

    /// <summary>
    /// The store the server extends in memory with posted events (no file read) equals a full load of the same workspace, and so do
    /// the features of every account at the same as-of: late and new events, a new event name, properties, users and account-only rows.
    /// </summary>
    [Fact]
    public void Events_appended_in_memory_give_the_batch_load_and_the_batch_features_of_every_account()
    {
        var config = ConfigLoader.Load(DemoWorkspace.Copy());
        var features = FeatureConfig.Parse(config);
        var options = new LoadOptions { WriteRejects = false, Snapshot = false, PropertyKeys = features.PropertyKeysNeeded };
        var loaded = WorkspaceLoader.Load(config, options);
        var store = loaded.Store;
        var random = new Random(14);
        var names = store.EventNames.Values.Append("live_only_event").ToArray();
        var lines = new List<string>();
        for (var i = 0; i < 400; i++)
        {
            var u = random.Next(store.UserCount);
            var user = i % 4 == 0 ? "" : $",\"user_id\":\"{store.UserIds[u]}\"";
            var account = store.AccountIds[store.UserAccount[u]];
            // Half before the loaded data's end (late rows interleave with loaded ones), half after it; some share a loaded time.
            var time = store.MaxTime + (i % 2 == 0 ? -1 : 1) * random.NextInt64(0, 20L * 86_400_000) / 1000 * 1000;
            var at = DateTimeOffset.FromUnixTimeMilliseconds(time).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            var props = i % 3 == 0 ? $",\"properties\":{{\"{features.IntegrationKindProperty}\":\"kind{i % 5}\"}}" : "";
            lines.Add($$"""{"event_id":"live-{{i}}","timestamp":"{{at}}","event":"{{names[random.Next(names.Length)]}}","account_id":"{{account}}"{{user}}{{props}}}""");
        }
        var appended = AppendedEvents.Append(config, loaded, lines[..200], features.PropertyKeysNeeded);
        Assert.NotNull(appended);
        appended = AppendedEvents.Append(config, appended, lines[200..], features.PropertyKeysNeeded); // two passes, as the server makes
        Assert.NotNull(appended);
        using (var segments = new IngestSegmentWriter(config))
            segments.AppendEvents(lines);
        var batch = WorkspaceLoader.Load(config, options).Store;
        var live = appended.Store;

        Assert.Equal(batch.EventCount, live.EventCount);
        Assert.Equal(batch.AccountOffsets, live.AccountOffsets);
        Assert.Equal(batch.EventTime, live.EventTime);
        Assert.Equal(batch.EventUser, live.EventUser);
        Assert.Equal(batch.EventName.Select(n => batch.EventNames[n]), live.EventName.Select(n => live.EventNames[n]));
        var asOf = batch.MaxTime;
        Assert.Equal(asOf, live.MaxTime);
        var accounts = Enumerable.Range(0, batch.AccountCount).ToArray();
        var cutoffs = Enumerable.Repeat(asOf, accounts.Length).ToArray();
        var expected = new FeatureEngine(batch, features, config).Build(EntityKind.Account, accounts, cutoffs);
        var actual = new FeatureEngine(live, features, config).Build(EntityKind.Account, accounts, cutoffs);
        Assert.Equal(expected.Columns.Select(c => c.Name), actual.Columns.Select(c => c.Name));
        Assert.True(live.EventNames.Find("live_only_event") >= 0);
        for (var c = 0; c < expected.Columns.Count; c++)
            Assert.True(expected.Columns[c].Values.AsSpan().SequenceEqual(actual.Columns[c].Values), expected.Columns[c].Name);
    }
}
