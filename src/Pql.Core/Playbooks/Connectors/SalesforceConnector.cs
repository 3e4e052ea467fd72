using System.Globalization;
using System.Text.Json.Nodes;

namespace Pql.Core.Playbooks.Connectors;

/// <summary>
/// Salesforce REST (Bearer token). <c>task</c> upserts a Task by an external-ID field keyed on the action id
/// (<c>PATCH /services/data/vXX.X/sobjects/Task/{field}/{key}</c>: 201 created, 200/204 updated, so a replay never makes a
/// second Task); <c>update_score</c> PATCHes the score and tier fields on the Account or Lead (204).
/// 403 REQUEST_LIMIT_EXCEEDED is the org's API limit: retried, not an auth failure.
/// </summary>
public sealed class SalesforceConnector(ConnectorConfig config, ConnectorContext context) : HttpConnector(config, context)
{
    internal override async Task<DeliveryResult> DeliverAsync(ActionPayload p, CancellationToken cancellationToken)
    {
        var baseUrl = $"{RequireSetting("instance_url").TrimEnd('/')}/services/data/{Setting("api_version", p, "v60.0")}/sobjects";
        var token = RequireSetting("token");
        var obj = Setting("object", p, "Account")!;
        if (obj is not ("Account" or "Lead"))
            throw new RejectedException($"object '{obj}' is not Account or Lead");
        var idAttribute = Setting("id_attribute", p, "salesforce_id")!;
        var recordId = p.Attribute(idAttribute) ?? throw new RejectedException($"entity {p.EntityId} has no '{idAttribute}' attribute (the {obj} id)");

        JsonObject body;
        string url;
        string what;
        if (p.Action.Action == "task")
        {
            var field = Setting("external_id_field", p, "Pql_Action_Key__c")!;
            url = $"{baseUrl}/Task/{field}/{Uri.EscapeDataString(p.Id)}";
            what = "Task upsert";
            body = new JsonObject
            {
                ["Subject"] = Setting("task_subject", p, null) ?? $"PQL {p.Goal}: {p.EntityId} is {p.Tier}",
                ["Description"] = p.Message,
                ["Status"] = "Not Started",
                ["Priority"] = p.Tier == "high_touch" ? "High" : "Normal",
                ["ActivityDate"] = Context.Time.GetUtcNow().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                [obj == "Lead" ? "WhoId" : "WhatId"] = recordId,
            };
            if (p.Owner is { Length: > 0 } owner)
                body["OwnerId"] = owner;
        }
        else
        {
            url = $"{baseUrl}/{obj}/{Uri.EscapeDataString(recordId)}";
            what = $"{obj} score update";
            body = new JsonObject
            {
                [Setting("score_field", p, "PQL_Score__c")!] = p.Score,
                [Setting("tier_field", p, "PQL_Tier__c")!] = p.Tier,
            };
        }
        using var request = Request(HttpMethod.Patch, url, token);
        request.Content = Json(body.ToJsonString());
        var answer = await SendRequestAsync(request, cancellationToken).ConfigureAwait(false);
        var code = (int)answer.Status;
        if (code == 403 && answer.Body.Contains("REQUEST_LIMIT_EXCEEDED", StringComparison.Ordinal))
            return new DeliveryResult(DeliveryOutcome.Retry, $"{what}: HTTP 403 REQUEST_LIMIT_EXCEEDED (org API limit)", answer.RetryAfter);
        if (code == 300)
            return new DeliveryResult(DeliveryOutcome.Rejected, $"{what}: HTTP 300 several records match the external id {p.Id}");
        return Classify(answer, what);
    }
}
