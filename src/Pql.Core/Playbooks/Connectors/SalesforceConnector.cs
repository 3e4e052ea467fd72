using System.Globalization;
using System.Text.Json.Nodes;

namespace Pql.Core.Playbooks.Connectors;

/// <summary>
/// Salesforce REST (Bearer token). <c>task</c> upserts a Task by an external-ID field keyed on the action id
/// (<c>PATCH /services/data/vXX.X/sobjects/Task/{field}/{key}</c>: 201 created, 200/204 updated, so a replay never makes a
/// second Task); <c>update_score</c> PATCHes the score and tier fields on the Account or Lead (204);
/// <c>task_and_score</c> does both in one <c>POST /composite</c> call with <c>allOrNone</c>, whose per-subrequest
/// statuses arrive inside an HTTP 200. 403 REQUEST_LIMIT_EXCEEDED is the org's API limit: retried, not an auth failure.
/// </summary>
public sealed class SalesforceConnector(ConnectorConfig config, ConnectorContext context) : HttpConnector(config, context)
{
    internal override async Task<DeliveryResult> DeliverAsync(ActionPayload p, CancellationToken cancellationToken)
    {
        var instance = RequireSetting("instance_url").TrimEnd('/');
        var dataPath = $"/services/data/{Setting("api_version", p, "v60.0")}";
        var token = RequireSetting("token");
        var obj = Setting("object", p, "Account")!;
        if (obj is not ("Account" or "Lead"))
            throw new RejectedException($"object '{obj}' is not Account or Lead");
        var idAttribute = Setting("id_attribute", p, "salesforce_id")!;
        var recordId = p.Attribute(idAttribute) ?? throw new RejectedException($"entity {p.EntityId} has no '{idAttribute}' attribute (the {obj} id)");

        if (p.Action.Action == "task_and_score")
            return await CompositeAsync(instance, dataPath, token, p, obj, recordId, cancellationToken).ConfigureAwait(false);
        var (path, body, what) = p.Action.Action == "task" ? Task(dataPath, p, obj, recordId) : Score(dataPath, p, obj, recordId);
        using var request = Request(HttpMethod.Patch, instance + path, token);
        request.Content = Json(body.ToJsonString());
        var answer = await SendRequestAsync(request, cancellationToken).ConfigureAwait(false);
        var code = (int)answer.Status;
        if (code == 403 && answer.Body.Contains("REQUEST_LIMIT_EXCEEDED", StringComparison.Ordinal))
            return new DeliveryResult(DeliveryOutcome.Retry, $"{what}: HTTP 403 REQUEST_LIMIT_EXCEEDED (org API limit)", answer.RetryAfter);
        if (code == 300)
            return new DeliveryResult(DeliveryOutcome.Rejected, $"{what}: HTTP 300 several records match the external id {p.Id}");
        return Classify(answer, what);
    }

    private (string Path, JsonObject Body, string What) Task(string dataPath, ActionPayload p, string obj, string recordId)
    {
        var field = Setting("external_id_field", p, "Pql_Action_Key__c")!;
        var body = new JsonObject
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
        return ($"{dataPath}/sobjects/Task/{field}/{Uri.EscapeDataString(p.Id)}", body, "Task upsert");
    }

    private (string Path, JsonObject Body, string What) Score(string dataPath, ActionPayload p, string obj, string recordId) =>
        ($"{dataPath}/sobjects/{obj}/{Uri.EscapeDataString(recordId)}",
         new JsonObject { [Setting("score_field", p, "PQL_Score__c")!] = p.Score, [Setting("tier_field", p, "PQL_Tier__c")!] = p.Tier },
         $"{obj} score update");

    private async Task<DeliveryResult> CompositeAsync(string instance, string dataPath, string token, ActionPayload p, string obj, string recordId, CancellationToken ct)
    {
        var task = Task(dataPath, p, obj, recordId);
        var score = Score(dataPath, p, obj, recordId);
        var body = new JsonObject
        {
            ["allOrNone"] = true,
            ["compositeRequest"] = new JsonArray(
                new JsonObject { ["method"] = "PATCH", ["url"] = task.Path, ["referenceId"] = "task", ["body"] = task.Body },
                new JsonObject { ["method"] = "PATCH", ["url"] = score.Path, ["referenceId"] = "score", ["body"] = score.Body }),
        };
        using var request = Request(HttpMethod.Post, $"{instance}{dataPath}/composite", token);
        request.Content = Json(body.ToJsonString());
        var answer = await SendRequestAsync(request, ct).ConfigureAwait(false);
        if ((int)answer.Status != 200)
            return Classify(answer, "composite");
        var parts = JsonNode.Parse(answer.Body)?["compositeResponse"] as JsonArray ?? throw new System.Text.Json.JsonException("no compositeResponse");
        foreach (var part in parts)
        {
            var status = (int?)part?["httpStatusCode"] ?? 0;
            if (status is >= 200 and < 300)
                continue;
            var error = part?["body"]?[0];
            var code = (string?)error?["errorCode"] ?? "";
            var detail = $"composite {(string?)part?["referenceId"]}: HTTP {status} {code} {(string?)error?["message"]}";
            if (code == "PROCESSING_HALTED")
                continue;   // allOrNone: the other subrequest's failure is the real reason
            return status switch
            {
                401 => new DeliveryResult(DeliveryOutcome.AuthFailed, detail),
                403 when code == "REQUEST_LIMIT_EXCEEDED" => new DeliveryResult(DeliveryOutcome.Retry, detail),
                403 => new DeliveryResult(DeliveryOutcome.AuthFailed, detail),
                >= 500 => new DeliveryResult(DeliveryOutcome.Retry, detail),
                _ => new DeliveryResult(DeliveryOutcome.Rejected, detail),
            };
        }
        return DeliveryResult.Ok($"composite: Task upserted and {obj} score updated");
    }
}
