using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Pql.Server.Tests;

/// <summary>Overrides with their guardrail, feedback and the report through the HTTP API; the score list shows overrides and health.</summary>
public sealed class FeedbackLoopApiTests
{
    private static async Task<JsonElement> Row(HttpClient client, string account)
    {
        var page = await client.GetFromJsonAsync<JsonElement>($"/v1/goals/conversion/scores?q={account}&pageSize=500");
        return page.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("entityId").GetString() == account);
    }

    [Fact]
    public async Task A_two_tier_override_waits_for_another_key_then_shows_in_the_score_list_as_an_override_with_the_model_tier()
    {
        await using var server = await RunningServer.StartAsync();
        using var writer = server.Client(server.WriteKey);
        using var admin = server.Client(server.AdminKey);
        using var reader = server.Client(server.ReadKey);
        var page = await reader.GetFromJsonAsync<JsonElement>("/v1/goals/conversion/scores?tier=nurture&pageSize=1");
        var account = page.GetProperty("rows")[0].GetProperty("entityId").GetString()!;
        var body = RunningServer.Json($$"""{"entities":["{{account}}"],"tier":"high_touch","reason":"CFO asked for a demo","expires":"30d"}""");

        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsync("/v1/goals/conversion/overrides", body)).StatusCode);
        var asked = await writer.PostAsync("/v1/goals/conversion/overrides", body);
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        var waiting = await asked.Content.ReadFromJsonAsync<JsonElement>();
        Assert.StartsWith($"moves {account} 2 tiers from nurture to high_touch", waiting.GetProperty("waitsBecause").GetString(), StringComparison.Ordinal);
        var batch = waiting.GetProperty("batch").GetInt64();
        Assert.Equal("nurture", (await Row(reader, account)).GetProperty("tier").GetString());

        var own = await writer.PostAsync($"/v1/goals/conversion/overrides/{batch}/approve", null);
        Assert.Equal(HttpStatusCode.BadRequest, own.StatusCode);
        Assert.Contains("cannot approve", await own.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/v1/goals/conversion/overrides/{batch}/approve", null)).StatusCode);

        var row = await Row(reader, account);
        Assert.Equal("high_touch", row.GetProperty("tier").GetString());
        Assert.Equal("tier high_touch", row.GetProperty("override").GetString());
        Assert.Equal("nurture", row.GetProperty("modelTier").GetString());
        Assert.InRange(row.GetProperty("health").GetInt32(), 0, 100);
        var overrides = await reader.GetFromJsonAsync<JsonElement>("/v1/goals/conversion/overrides");
        Assert.Equal("key:ops", overrides.GetProperty("active")[0].GetProperty("approvedBy").GetString());

        Assert.Equal(HttpStatusCode.OK, (await writer.DeleteAsync($"/v1/goals/conversion/overrides/{account}")).StatusCode);
        Assert.Equal("nurture", (await Row(reader, account)).GetProperty("tier").GetString());
    }

    [Fact]
    public async Task A_rep_records_feedback_under_the_keys_name_bad_feedback_is_a_400_and_the_report_is_html()
    {
        await using var server = await RunningServer.StartAsync();
        using var reader = server.Client(server.ReadKey);
        var answer = await reader.PostAsync("/v1/goals/conversion/feedback", RunningServer.Json("""{"entity":"a1","kind":"disqualified","reason":"student project","coolDown":"60d"}"""));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var bad = await reader.PostAsync("/v1/goals/conversion/feedback", RunningServer.Json("""{"entity":"a1","kind":"meh","reason":"x"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("is not one of false_positive", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var list = await reader.GetFromJsonAsync<JsonElement>("/v1/goals/conversion/feedback");
        var entry = Assert.Single(list.EnumerateArray());
        Assert.Equal(("a1", "key:rep_07", "student project"), (entry.GetProperty("entityId").GetString(), entry.GetProperty("by").GetString(), entry.GetProperty("reason").GetString()));
        Assert.True(entry.GetProperty("coolDownUntilMs").GetInt64() > entry.GetProperty("createdMs").GetInt64() + 59L * 86_400_000);

        var report = await reader.GetAsync("/v1/goals/conversion/report");
        Assert.Equal("text/html", report.Content.Headers.ContentType?.MediaType);
        var html = await report.Content.ReadAsStringAsync();
        Assert.Contains("Treated versus control per playbook", html, StringComparison.Ordinal);
        Assert.Contains("<tr><td>disqualified</td><td>1</td></tr>", html, StringComparison.Ordinal);
        // The same drift section as pql report writes: one renderer, the measure of pql drift against the current version's snapshot.
        var cli = await new Pql.Core.Application.ReportService().ReportAsync(new Pql.Core.Application.ReportRequest(server.Workspace, "conversion"));
        Assert.NotNull(cli.Drift.Report);
        Assert.Contains(Pql.Core.Application.ReportDriftHtml.Render(cli.Drift), html, StringComparison.Ordinal);
        Assert.Contains("<table class=\"drift-group\">", html, StringComparison.Ordinal);
        // Serving acts on the workspace: its pql.yaml was audited when the server started (config_changed with the file's hash).
        using var state = Pql.Core.State.SqliteStateStore.OpenWorkspace(Path.Combine(server.Workspace, ".pql"));
        var config = Assert.Single((await state.AuditTrailAsync()).Entries, e => e.Entry.Action == Pql.Core.Application.ConfigAudit.Action);
        Assert.StartsWith($"sha256 {Pql.Core.Application.ConfigAudit.Hash(File.ReadAllText(Path.Combine(server.Workspace, "pql.yaml")))}: ", config.Entry.Detail, StringComparison.Ordinal);
    }
}
