using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.RateLimiting;

namespace Pql.Core.Playbooks.Connectors;

/// <summary>
/// Salesforce REST. Auth (<c>auth</c>): a static <c>token</c> with <c>instance_url</c>, or OAuth <c>client_credentials</c> /
/// <c>jwt_bearer</c> (<see cref="SalesforceAuth"/>), the token cached and fetched again once when a call answers 401
/// <c>INVALID_SESSION_ID</c>. <c>task</c> upserts a Task by an external-ID field keyed on the action id
/// (<c>PATCH /services/data/vXX.X/sobjects/Task/{field}/{key}</c>: 201 created, 200/204 updated, so a replay never makes a
/// second Task); <c>update_score</c> PATCHes the score and tier fields of up to 200 Accounts or Leads in one
/// <c>PATCH /composite/sobjects</c> (<c>allOrNone:false</c>, one SaveResult per record, in order);
/// <c>task_and_score</c> does both in one <c>POST /composite</c> call with <c>allOrNone</c>, whose per-subrequest statuses arrive
/// inside an HTTP 200. 403 <c>REQUEST_LIMIT_EXCEEDED</c> (the org's rolling 24-hour API limit, also inside composite answers)
/// defers the actions by <c>quota_retry_minutes</c> (default 60) without spending an attempt; at most <c>max_concurrent</c>
/// (default 25) calls are in flight, Salesforce's limit on long-running concurrent requests.
/// </summary>
public sealed class SalesforceConnector(ConnectorConfig config, ConnectorContext context) : HttpConnector(config, context)
{
    internal const int MaxRecords = 200;
    private readonly OAuthToken _token = new(context.Time);

    private string Auth => Setting("auth", null, HasSetting("token") ? "token" : "client_credentials")!;

    private string LoginUrl => (Setting("login_url", null, "https://login.salesforce.com") ?? "").TrimEnd('/');

    internal int TokensFetched => _token.Fetched;

    internal override RateLimiter? Throttle =>
        Throttles.Concurrent($"salesforce:{Setting("instance_url") ?? LoginUrl}", int.Parse(Setting("max_concurrent") ?? "25", CultureInfo.InvariantCulture));

    internal override int BatchLimit(string action) => action == "update_score" ? MaxRecords : 1;

    internal override Task<string> BearerAsync(CancellationToken cancellationToken) => Auth switch
    {
        "token" => base.BearerAsync(cancellationToken),
        "client_credentials" => _token.GetAsync(ct => PostTokenAsync($"{LoginUrl}/services/oauth2/token", [
            new("grant_type", "client_credentials"),
            new("client_id", RequireSetting("client_id")),
            new("client_secret", RequireSetting("client_secret")),
        ], "oauth token (client credentials)", ct), cancellationToken),
        "jwt_bearer" => _token.GetAsync(ct => PostTokenAsync($"{LoginUrl}/services/oauth2/token", [
            new("grant_type", SalesforceAuth.JwtBearerGrant),
            new("assertion", SalesforceAuth.Assertion(RequireSetting("client_id"), RequireSetting("username"),
                Setting("audience", null, LoginUrl)!, Context.Time.GetUtcNow(), PrivateKey())),
        ], "oauth token (JWT bearer)", ct), cancellationToken),
        var other => throw new RejectedException($"auth '{other}' is not token, client_credentials or jwt_bearer"),
    };

    internal override bool ForgetBearer() => Auth != "token" && _token.Forget();

    /// <summary>The PEM text itself (from an environment variable) or a path to it, relative to the workspace.</summary>
    private string PrivateKey()
    {
        var key = RequireSetting("private_key");
        return key.Contains("-----BEGIN", StringComparison.Ordinal) ? key : File.ReadAllText(Path.Combine(Context.WorkspaceDirectory, key));
    }

    /// <summary>The instance to call: the token answer's <c>instance_url</c> under OAuth, else the setting.</summary>
    private string Instance() =>
        ((Auth != "token" ? (string?)_token.Answer?["instance_url"] : null) ?? RequireSetting("instance_url")).TrimEnd('/');

    private string DataPath(ActionPayload? p) => $"/services/data/{Setting("api_version", p, "v60.0")}";

    private (string Obj, string RecordId) Target(ActionPayload p)
    {
        var obj = Setting("object", p, "Account")!;
        if (obj is not ("Account" or "Lead"))
            throw new RejectedException($"object '{obj}' is not Account or Lead");
        var idAttribute = Setting("id_attribute", p, "salesforce_id")!;
        return (obj, p.Attribute(idAttribute) ?? throw new RejectedException($"entity {p.EntityId} has no '{idAttribute}' attribute (the {obj} id)"));
    }

    internal override async Task<DeliveryResult> DeliverAsync(ActionPayload p, CancellationToken cancellationToken)
    {
        var (obj, recordId) = Target(p);
        var dataPath = DataPath(p);
        if (p.Action.Action == "task_and_score")
            return await CompositeAsync(dataPath, p, obj, recordId, cancellationToken).ConfigureAwait(false);
        var (path, body, what) = p.Action.Action == "task" ? Task(dataPath, p, obj, recordId) : Score(dataPath, p, obj, recordId);
        var json = body.ToJsonString();
        var answer = await SendBearerAsync(HttpMethod.Patch, () => Instance() + path, json, cancellationToken).ConfigureAwait(false);
        if (LimitExceeded(answer, what) is { } limit)
            return limit;
        if ((int)answer.Status == 300)
            return new DeliveryResult(DeliveryOutcome.Rejected, $"{what}: HTTP 300 several records match the external id {p.Id}");
        return Classify(answer, what);
    }

    /// <summary>Score updates of up to 200 records in one sObject-collection call; each SaveResult is its action's result.</summary>
    internal override async Task DeliverBatchAsync(IReadOnlyList<ActionPayload?> payloads, DeliveryResult?[] results, CancellationToken cancellationToken)
    {
        var records = new JsonArray();
        var sent = new List<int>();
        for (var i = 0; i < payloads.Count; i++)
        {
            if (payloads[i] is not { } p)
                continue;
            try
            {
                var (obj, recordId) = Target(p);
                var record = new JsonObject { ["attributes"] = new JsonObject { ["type"] = obj }, ["id"] = recordId };
                foreach (var (field, value) in Score(DataPath(p), p, obj, recordId).Body)
                    record[field] = value?.DeepClone();
                records.Add(record);
                sent.Add(i);
            }
            catch (RejectedException ex)
            {
                results[i] = new DeliveryResult(DeliveryOutcome.Rejected, ex.Message);
            }
        }
        if (sent.Count == 0)
            return;
        const string what = "composite/sobjects update";
        var body = new JsonObject { ["allOrNone"] = false, ["records"] = records }.ToJsonString();
        var answer = await SendBearerAsync(HttpMethod.Patch, () => $"{Instance()}{DataPath(null)}/composite/sobjects", body, cancellationToken).ConfigureAwait(false);
        if ((int)answer.Status != 200)
        {
            var whole = LimitExceeded(answer, what) ?? Classify(answer, what);
            foreach (var i in sent)
                results[i] = whole;
            return;
        }
        var saves = JsonNode.Parse(answer.Body) as JsonArray ?? throw new System.Text.Json.JsonException("the collection answer is not an array");
        for (var k = 0; k < sent.Count; k++)
        {
            var save = k < saves.Count ? saves[k] : null;
            var error = FirstOf(save?["errors"]);
            results[sent[k]] = save is null ? new DeliveryResult(DeliveryOutcome.Retry, $"{what}: no SaveResult for record {k}")
                : (bool?)save["success"] == true ? DeliveryResult.Ok($"{what}: {(string?)save["id"]} updated")
                : SubFailure(400, (string?)error?["statusCode"] ?? "", $"{what}: {(string?)error?["statusCode"]} {(string?)error?["message"]}");
        }
    }

    /// <summary>403 REQUEST_LIMIT_EXCEEDED: the org's API limit (rolling 24 h, or too many concurrent long requests): defer.</summary>
    private DeliveryResult? LimitExceeded(HttpAnswer answer, string what) =>
        (int)answer.Status == 403 && answer.Body.Contains("REQUEST_LIMIT_EXCEEDED", StringComparison.Ordinal) ? Limit(what) : null;

    private DeliveryResult Limit(string what) => new(DeliveryOutcome.Deferred,
        $"{what}: REQUEST_LIMIT_EXCEEDED (the org's API request limit)",
        TimeSpan.FromMinutes(double.Parse(Setting("quota_retry_minutes") ?? "60", CultureInfo.InvariantCulture)));

    private DeliveryResult SubFailure(int status, string code, string detail) => (status, code) switch
    {
        (_, "REQUEST_LIMIT_EXCEEDED") => Limit(detail),
        (401, _) or (_, "INVALID_SESSION_ID") => new DeliveryResult(DeliveryOutcome.AuthFailed, detail),
        (403, _) => new DeliveryResult(DeliveryOutcome.AuthFailed, detail),
        ( >= 500, _) or (_, "UNABLE_TO_LOCK_ROW") => new DeliveryResult(DeliveryOutcome.Retry, detail),
        _ => new DeliveryResult(DeliveryOutcome.Rejected, detail),
    };

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

    private async Task<DeliveryResult> CompositeAsync(string dataPath, ActionPayload p, string obj, string recordId, CancellationToken ct)
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
        var json = body.ToJsonString();
        var answer = await SendBearerAsync(HttpMethod.Post, () => $"{Instance()}{dataPath}/composite", json, ct).ConfigureAwait(false);
        if ((int)answer.Status != 200)
            return LimitExceeded(answer, "composite") ?? Classify(answer, "composite");
        var parts = JsonNode.Parse(answer.Body)?["compositeResponse"] as JsonArray ?? throw new System.Text.Json.JsonException("no compositeResponse");
        foreach (var part in parts)
        {
            var status = (int?)part?["httpStatusCode"] ?? 0;
            if (status is >= 200 and < 300)
                continue;
            var error = FirstOf(part?["body"]);
            var code = (string?)error?["errorCode"] ?? "";
            var detail = $"composite {(string?)part?["referenceId"]}: HTTP {status} {code} {(string?)error?["message"]}";
            if (code == "PROCESSING_HALTED")
                continue;   // allOrNone: the other subrequest's failure is the real reason
            return SubFailure(status, code, detail);
        }
        return DeliveryResult.Ok($"composite: Task upserted and {obj} score updated");
    }
}
