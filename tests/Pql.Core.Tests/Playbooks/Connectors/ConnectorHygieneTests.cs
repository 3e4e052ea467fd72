using System.Text;
using Pql.Core.Playbooks.Connectors;
using Pql.Core.Tests.Playbooks.Fakes;

namespace Pql.Core.Tests.Playbooks.Connectors;

/// <summary>No false "delivered", vendor quota answers inside batches, and the hygiene of what is sent (bodies, signatures, CSV cells, Slack limits).</summary>
public sealed class ConnectorHygieneTests
{
    private static Dictionary<string, string> Attrs(params (string Key, string Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    [Fact]
    public async Task Hubspot_list_add_fails_the_actions_whose_ids_hubspot_did_not_find()
    {
        using var hs = new HubSpotFake("hs-token");
        hs.UnknownIds.TryAdd("999", 0);
        var connector = new HubSpotConnector(Some.Connector("hubspot", ("base_url", hs.BaseUrl), ("token", "hs-token"), ("list_id", "77")), Some.Context(Some.Secrets()));
        var actions = new[] { ("a1", "501"), ("a2", "999"), ("a3", "502") }
            .Select(x => Some.Action("hubspot", "add_to_list", Some.Payload(x.Item1, Attrs(("hubspot_id", x.Item2))), id: x.Item1)).ToList();

        var results = await connector.SendBatchAsync(actions, default);

        Assert.Single(hs.Server.Received);
        Assert.Equal([DeliveryOutcome.Delivered, DeliveryOutcome.Rejected, DeliveryOutcome.Delivered], results.Select(r => r.Outcome));
        Assert.Contains("no record 999", results[1].Detail);
        Assert.Equal(["501", "502"], hs.Lists["77"].Keys.Order());
        Assert.Empty(hs.Problems);
    }

    [Fact]
    public async Task Hubspot_batch_update_on_the_dated_path_maps_a_207_back_to_each_record()
    {
        using var hs = new HubSpotFake("hs-token");
        hs.UnknownIds.TryAdd("999", 0);
        var connector = new HubSpotConnector(Some.Connector("hubspot", ("base_url", hs.BaseUrl), ("token", "hs-token")), Some.Context(Some.Secrets()));
        var actions = new[] { ("a1", "501"), ("a2", "999"), ("a3", "501") }
            .Select(x => Some.Action("hubspot", "update_properties", Some.Payload(x.Item1, Attrs(("hubspot_id", x.Item2))), id: x.Item1)).ToList();

        var results = await connector.SendBatchAsync(actions, default);

        var call = Assert.Single(hs.Server.Received);
        Assert.Equal("/crm/objects/2026-03/companies/batch/update", call.Path);
        Assert.Equal("application/json; charset=utf-8", call.Header("Content-Type"));
        Assert.Equal([DeliveryOutcome.Delivered, DeliveryOutcome.Rejected, DeliveryOutcome.Delivered], results.Select(r => r.Outcome));
        Assert.Contains("OBJECT_NOT_FOUND", results[1].Detail);
        Assert.Contains("newer action", results[0].Detail);   // two actions for record 501 in one batch: HubSpot refuses duplicate ids
        Assert.Empty(hs.Problems);
    }

    [Fact]
    public async Task Salesforce_composite_request_limit_inside_a_200_defers_instead_of_failing_auth()
    {
        using var sf = new SalesforceFake("sf-token") { CompositeLimitExceeded = true };
        var connector = new SalesforceConnector(Some.Connector("salesforce", ("instance_url", sf.BaseUrl), ("token", "sf-token")), Some.Context(Some.Secrets()));

        var result = await connector.SendAsync(Some.Action("salesforce", "task_and_score", Some.Payload("k1", Attrs(("salesforce_id", "001A")))), default);

        Assert.Equal(DeliveryOutcome.Deferred, result.Outcome);
        Assert.Contains("REQUEST_LIMIT_EXCEEDED", result.Detail);
        Assert.Equal(TimeSpan.FromHours(1), result.RetryAfter);
    }

    [Fact]
    public async Task Salesforce_score_updates_go_as_one_collection_call_and_a_deleted_record_fails_alone()
    {
        using var sf = new SalesforceFake("sf-token");
        sf.DeletedIds.Add("001B");
        var connector = new SalesforceConnector(Some.Connector("salesforce", ("instance_url", sf.BaseUrl), ("token", "sf-token")), Some.Context(Some.Secrets()));
        var actions = new[] { ("a1", "001A"), ("a2", "001B"), ("a3", "001C") }
            .Select(x => Some.Action("salesforce", "update_score", Some.Payload(x.Item1, Attrs(("salesforce_id", x.Item2))), id: x.Item1)).ToList();

        var results = await connector.SendBatchAsync(actions, default);

        Assert.True(sf.Server.Received.Count == 1, string.Join("; ", results.Select(r => r.Detail)));
        Assert.Equal("/services/data/v60.0/composite/sobjects", sf.Server.Received[0].Path);
        Assert.Equal([DeliveryOutcome.Delivered, DeliveryOutcome.Rejected, DeliveryOutcome.Delivered], results.Select(r => r.Outcome));
        Assert.Contains("ENTITY_IS_DELETED", results[1].Detail);
        Assert.Equal(2, sf.Updates.Count);
        Assert.Empty(sf.Problems);
    }

    [Fact]
    public async Task Eloqua_not_authenticated_in_a_200_is_a_credentials_failure_not_a_crash()
    {
        using var eq = new EloquaFake("Acme", "api", "right");
        var connector = new EloquaConnector(Some.Connector("eloqua", ("login_url", eq.BaseUrl), ("site", "Acme"), ("user", "api"), ("password", "wrong"),
            ("score_field_id", "100")), Some.Context(Some.Secrets()));

        var result = await connector.SendAsync(Some.Action("eloqua", "update_contact", Some.Payload("k1", Attrs(("eloqua_contact_id", "7")))), default);

        Assert.Equal(DeliveryOutcome.AuthFailed, result.Outcome);
        Assert.Contains("Not authenticated", result.Detail);
    }

    [Fact]
    public async Task Webhook_body_is_the_same_bytes_on_a_retry_and_signed_with_both_secrets_and_standard_webhooks()
    {
        var key = Encoding.UTF8.GetBytes("standard-key-0123456789");
        using var hook = new WebhookFake("new-secret") { StandardKey = key, FailFirst = 1 };
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var secrets = Some.Secrets(("WH", $"old-secret whsec_{Convert.ToBase64String(key)} new-secret"));
        var connector = new WebhookConnector(Some.Connector("webhook", ("url", hook.BaseUrl + WebhookFake.Path), ("secret", "${WH}"),
            ("standard_webhooks", "true")), Some.Context(secrets, clock));
        var action = Some.Action("webhook", "post", Some.Payload("k9", Attrs()), id: "k9");

        var first = await connector.SendAsync(action, default);
        clock.Advance(TimeSpan.FromSeconds(30));
        var retry = await connector.SendAsync(action, default);

        Assert.Equal(DeliveryOutcome.Retry, first.Outcome);
        Assert.Equal(DeliveryOutcome.Delivered, retry.Outcome);
        var bodies = hook.Bodies["k9"].ToArray();
        Assert.Equal(2, bodies.Length);
        Assert.Equal(bodies[0], bodies[1]);
        Assert.Empty(hook.Problems);
        Assert.Equal(3, hook.Server.Received[0].Header("X-Pql-Signature")!.Split(',').Count(p => p.StartsWith("v1=", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("+1", "'+1")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tx", "'\tx")]
    [InlineData("plain, text", "\"plain, text\"")]
    [InlineData("ok", "ok")]
    public void Csv_cells_that_a_spreadsheet_would_run_as_formulas_are_escaped(string value, string cell) =>
        Assert.Equal(cell, CsvExportConnector.Field(value));

    [Fact]
    public void Slack_text_longer_than_a_section_allows_is_cut_with_an_ellipsis()
    {
        var cut = SlackBlocks.Cut(new string('x', 5000), SlackBlocks.TextObjectLimit);

        Assert.Equal(3000, cut.Length);
        Assert.EndsWith("…", cut, StringComparison.Ordinal);
        Assert.Equal("short", SlackBlocks.Cut("short", SlackBlocks.TextObjectLimit));
    }
}
