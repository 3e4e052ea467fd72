using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Pql.Core.Ingest;
using Pql.Core.Workspace;

namespace Pql.Server.Tests;

/// <summary>The HTTP API against a real Kestrel on 127.0.0.1: auth, roles, ingest semantics, reads and paging.</summary>
public sealed class ServerApiTests
{
    private const string GoodEvent = """{"timestamp":"2026-10-31T23:50:00Z","event":"workflow_run","user_id":"u1_0","account_id":"a1","event_id":"live-1"}""";

    [Fact]
    public async Task Health_is_open_but_every_data_route_answers_401_without_a_key()
    {
        await using var server = await RunningServer.StartAsync();
        using var anonymous = server.Client();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/readyz")).StatusCode);
        foreach (var route in new[] { "/v1/goals", "/v1/goals/conversion/scores", "/v1/accounts/a1", "/v1/triggers", "/v1/models", "/metrics" })
        {
            var answer = await anonymous.GetAsync(route);
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/v1/events", RunningServer.Ndjson(GoodEvent))).StatusCode);
        using var forged = server.Client("pql_" + new string('0', 64));
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/v1/goals")).StatusCode);
    }

    [Fact]
    public async Task A_read_key_gets_403_on_ingest_and_the_answer_is_problem_details()
    {
        await using var server = await RunningServer.StartAsync();
        using var reader = server.Client(server.ReadKey);
        var answer = await reader.PostAsync("/v1/events", RunningServer.Ndjson(GoodEvent));
        Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/v1/goals")).StatusCode);
    }

    [Fact]
    public async Task The_models_route_carries_each_current_versions_model_card_and_change_log()
    {
        await using var server = await RunningServer.StartAsync();
        using var reader = server.Client(server.ReadKey);
        using var models = JsonDocument.Parse(await reader.GetStringAsync("/v1/models"));
        var conversion = models.RootElement.EnumerateArray().Single(m => m.GetProperty("goal").GetString() == "conversion");
        Assert.StartsWith("# Model card: conversion", conversion.GetProperty("card").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("# Change log: conversion", conversion.GetProperty("changeLog").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_bad_row_is_listed_with_its_index_and_field_and_the_rest_of_the_batch_is_stored()
    {
        await using var server = await RunningServer.StartAsync();
        using var writer = server.Client(server.WriteKey);
        var answer = await writer.PostAsync("/v1/events", RunningServer.Json($$"""
            [{{GoodEvent}},
             {"timestamp":"yesterday","event":"workflow_run","account_id":"a1","event_id":"bad-1"},
             {"timestamp":"2026-10-31T23:52:00Z","event":"workflow_run","account_id":"nobody","event_id":"bad-2"},
             {"timestamp":"2026-10-31T23:53:00Z","event":"report_viewed","account_id":"a2","event_id":"live-2"}]
            """));
        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        var result = await answer.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, result.GetProperty("accepted").GetInt32());
        var rejected = result.GetProperty("rejected").EnumerateArray().Select(r => (r.GetProperty("index").GetInt32(), r.GetProperty("field").GetString())).ToList();
        Assert.Equal([(1, "timestamp"), (2, "account_id")], rejected);
        var stored = string.Join('\n', Directory.GetFiles(Path.Combine(server.Workspace, ".pql", "ingest"), "events-*.ndjson").Select(File.ReadAllText));
        Assert.Contains("live-1", stored, StringComparison.Ordinal);
        Assert.Contains("live-2", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("bad-", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replaying_a_batch_stores_each_event_id_once_and_the_loader_sees_it()
    {
        await using var server = await RunningServer.StartAsync();
        var before = WorkspaceLoader.Load(ConfigLoader.Load(server.Workspace), new LoadOptions { WriteRejects = false }).Store.EventCount;
        using var writer = server.Client(server.WriteKey);
        var first = await (await writer.PostAsync("/v1/events", RunningServer.Ndjson(GoodEvent))).Content.ReadFromJsonAsync<JsonElement>();
        var replay = await (await writer.PostAsync("/v1/events", RunningServer.Ndjson(GoodEvent, GoodEvent))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, first.GetProperty("accepted").GetInt32());
        Assert.Equal(0, replay.GetProperty("accepted").GetInt32());
        Assert.Equal(2, replay.GetProperty("duplicates").GetInt32());
        var after = WorkspaceLoader.Load(ConfigLoader.Load(server.Workspace), new LoadOptions { WriteRejects = false }).Store.EventCount;
        Assert.Equal(before + 1, after);
    }

    [Fact]
    public async Task A_body_over_the_limit_gets_413_with_a_problem_that_says_so()
    {
        await using var server = await RunningServer.StartAsync(o => o with { MaxRequestBytes = 1000 });
        using var writer = server.Client(server.WriteKey);
        var answer = await writer.PostAsync("/v1/events", RunningServer.Ndjson(Enumerable.Repeat(GoodEvent, 20).ToArray()));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, answer.StatusCode);
        Assert.Contains("exceeds the limit", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Score_pages_do_not_overlap_and_together_hold_every_filtered_row()
    {
        await using var server = await RunningServer.StartAsync();
        using var reader = server.Client(server.ReadKey);
        var seen = new List<string>();
        var total = -1;
        for (var page = 1; page < 100; page++)
        {
            var body = await reader.GetFromJsonAsync<JsonElement>($"/v1/goals/conversion/scores?page={page}&pageSize=40&segment=smb");
            total = body.GetProperty("total").GetInt32();
            var rows = body.GetProperty("rows").EnumerateArray().ToList();
            if (rows.Count == 0)
                break;
            Assert.All(rows, r => Assert.Equal("smb", r.GetProperty("segment").GetString()));
            seen.AddRange(rows.Select(r => r.GetProperty("entityId").GetString()!));
        }
        Assert.True(total > 40, $"the demo should have more than one page of smb accounts, has {total}");
        Assert.Equal(total, seen.Count);
        Assert.Equal(total, seen.Distinct().Count());
        var csv = await reader.GetStringAsync("/v1/goals/conversion/scores?segment=smb&format=csv");
        Assert.Equal(total + 1, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync("/v1/goals/nope/scores")).StatusCode);
    }

    [Fact]
    public async Task An_accepted_event_rescores_its_account_and_the_key_name_is_in_the_audit_trail()
    {
        await using var server = await RunningServer.StartAsync();
        using var reader = server.Client(server.ReadKey);
        var before = (await reader.GetFromJsonAsync<JsonElement>("/v1/accounts/a1")).GetProperty("goals")[0].GetProperty("history").GetArrayLength();
        using var writer = server.Client(server.WriteKey);
        Assert.Equal(HttpStatusCode.Accepted, (await writer.PostAsync("/v1/events", RunningServer.Ndjson(GoodEvent))).StatusCode);
        var after = before;
        for (var i = 0; i < 300 && after == before; i++)
        {
            await Task.Delay(100);
            after = (await reader.GetFromJsonAsync<JsonElement>("/v1/accounts/a1")).GetProperty("goals")[0].GetProperty("history").GetArrayLength();
        }
        Assert.Equal(before + 1, after);
        using var state = Pql.Core.State.StateStores.Open(ConfigLoader.Load(server.Workspace));
        var audit = await state.AuditAsync(20);
        Assert.Contains(audit, a => a.Actor == "key:crm-sync" && a.Action == "ingest.events");
        var metrics = await reader.GetStringAsync("/metrics");
        Assert.Contains("pql_events_accepted_total 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Posted_accounts_and_users_become_known_so_their_events_are_accepted()
    {
        await using var server = await RunningServer.StartAsync();
        using var writer = server.Client(server.WriteKey);
        var accounts = await writer.PostAsync("/v1/accounts", RunningServer.Ndjson("""{"account_id":"new-1","created_at":"2026-10-30T00:00:00Z","segment":"smb","owner":"rep_07"}"""));
        Assert.Equal(HttpStatusCode.Accepted, accounts.StatusCode);
        var users = await writer.PostAsync("/v1/users", RunningServer.Ndjson(
            """{"user_id":"new-u","account_id":"new-1","created_at":"2026-10-30T00:00:00Z"}""",
            """{"user_id":"orphan","account_id":"nowhere","created_at":"2026-10-30T00:00:00Z"}"""));
        var result = await users.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, result.GetProperty("accepted").GetInt32());
        Assert.Equal("account_id", result.GetProperty("rejected")[0].GetProperty("field").GetString());
        var events = await (await writer.PostAsync("/v1/events", RunningServer.Ndjson("""{"timestamp":"2026-10-31T10:00:00Z","event":"workflow_run","user_id":"new-u","event_id":"n1"}""")))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, events.GetProperty("accepted").GetInt32());
        var load = WorkspaceLoader.Load(ConfigLoader.Load(server.Workspace), new LoadOptions { WriteRejects = false });
        Assert.True(load.Store.AccountIds.Find("new-1") >= 0);
        Assert.True(load.Store.UserIds.Find("new-u") >= 0);
    }

    [Fact]
    public async Task OpenApi_document_lists_the_routes_and_the_reference_page_is_served_offline()
    {
        await using var server = await RunningServer.StartAsync();
        using var anonymous = server.Client();
        var doc = await anonymous.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/v1/events", doc, StringComparison.Ordinal);
        Assert.Contains("/v1/goals/{goal}/scores", doc, StringComparison.Ordinal);
        var page = await anonymous.GetStringAsync("/scalar/");
        Assert.Contains("src=\"scalar.js\"", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/scalar/scalar.js")).StatusCode);
    }
}
