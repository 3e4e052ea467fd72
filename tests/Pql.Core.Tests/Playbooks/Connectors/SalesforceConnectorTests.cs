using Pql.Core.Playbooks.Connectors;
using Pql.Core.Tests.Playbooks.Fakes;

namespace Pql.Core.Tests.Playbooks.Connectors;

public sealed class SalesforceConnectorTests : IDisposable
{
    private readonly SalesforceFake _fake = new("sf-token-123");
    private readonly SecretResolver _secrets = Some.Secrets(("SF_TOKEN", "sf-token-123"));

    public void Dispose() => _fake.Dispose();

    private SalesforceConnector Connector(string? token = null) =>
        new(Some.Connector("salesforce", ("instance_url", _fake.BaseUrl), ("token", token ?? "${SF_TOKEN}")), Some.Context(_secrets));

    private static string Payload(string id = "k1") =>
        Some.Payload(id, new Dictionary<string, string> { ["salesforce_id"] = "001A000001" }, owner: "005B000002");

    [Fact]
    public async Task Task_upserts_by_external_id_so_a_replay_creates_no_second_task()
    {
        var connector = Connector();
        var action = Some.Action("salesforce", "task", Payload(), id: "k1");

        var first = await connector.SendAsync(action, default);
        var replay = await connector.SendAsync(action, default);

        Assert.Equal(DeliveryOutcome.Delivered, first.Outcome);
        Assert.Equal(DeliveryOutcome.Delivered, replay.Outcome);
        Assert.Empty(_fake.Problems);
        var task = Assert.Single(_fake.Tasks);
        Assert.Equal("k1", task.Key);
        Assert.Equal("001A000001", (string?)task.Value["WhatId"]);
        Assert.Equal("005B000002", (string?)task.Value["OwnerId"]);
        Assert.Equal("High", (string?)task.Value["Priority"]);
        Assert.Contains("Task/Pql_Action_Key__c/k1", _fake.Server.Received[0].Path);
    }

    [Fact]
    public async Task Update_score_patches_custom_fields_on_the_account()
    {
        var result = await Connector().SendAsync(Some.Action("salesforce", "update_score", Payload()), default);

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        var fields = _fake.Updates["Account/001A000001"];
        Assert.Equal(0.82, (double)fields["PQL_Score__c"]!, 6);
        Assert.Equal("high_touch", (string?)fields["PQL_Tier__c"]);
    }

    [Fact]
    public async Task Task_and_score_runs_both_in_one_composite_call()
    {
        var result = await Connector().SendAsync(Some.Action("salesforce", "task_and_score", Payload(), id: "k7"), default);

        Assert.Equal(DeliveryOutcome.Delivered, result.Outcome);
        Assert.Equal("/services/data/v60.0/composite", Assert.Single(_fake.Server.Received).Path);
        Assert.True(_fake.Tasks.ContainsKey("k7"));
        Assert.Equal("high_touch", (string?)_fake.Updates["Account/001A000001"]["PQL_Tier__c"]);
    }

    [Fact]
    public async Task Task_and_score_with_a_failing_subrequest_applies_neither_and_is_rejected()
    {
        var connector = new SalesforceConnector(Some.Connector("salesforce", ("instance_url", _fake.BaseUrl), ("token", "${SF_TOKEN}"),
            ("score_field", "Score")), Some.Context(_secrets));

        var result = await connector.SendAsync(Some.Action("salesforce", "task_and_score", Payload(), id: "k8"), default);

        Assert.Equal(DeliveryOutcome.Rejected, result.Outcome);
        Assert.Contains("composite score: HTTP 400 INVALID_FIELD_FOR_INSERT_UPDATE", result.Detail);
        Assert.Empty(_fake.Tasks);
        Assert.Empty(_fake.Updates);
    }

    [Fact]
    public async Task Send_with_rejected_token_fails_auth_without_leaking_it()
    {
        var result = await Connector("wrong-token-999").SendAsync(Some.Action("salesforce", "task", Payload()), default);

        Assert.Equal(DeliveryOutcome.AuthFailed, result.Outcome);
        Assert.Contains("401", result.Detail);
    }

    [Fact]
    public async Task Send_when_org_limit_is_hit_defers_for_an_hour_instead_of_failing_auth()
    {
        _fake.RequestLimitExceeded = true;

        var result = await Connector().SendAsync(Some.Action("salesforce", "update_score", Payload()), default);

        Assert.Equal(DeliveryOutcome.Deferred, result.Outcome);
        Assert.Equal(TimeSpan.FromHours(1), result.RetryAfter);
        Assert.Contains("REQUEST_LIMIT_EXCEEDED", result.Detail);
    }

    [Fact]
    public async Task Send_without_record_id_attribute_is_rejected()
    {
        var payload = Some.Payload("k2", new Dictionary<string, string>());

        var result = await Connector().SendAsync(Some.Action("salesforce", "task", payload), default);

        Assert.Equal(DeliveryOutcome.Rejected, result.Outcome);
        Assert.Contains("salesforce_id", result.Detail);
        Assert.Empty(_fake.Server.Received);
    }
}
