using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Threading.RateLimiting;
using Pql.Core.State;

namespace Pql.Core.Playbooks.Connectors;

/// <summary>
/// Shared HTTP plumbing: settings resolved at send time, per-request timeout, a client-side throttle at the vendor's documented
/// rate, bearer tokens refreshed once when the vendor says they expired, status classification (2xx delivered, 401/403 credentials,
/// 429/408/5xx retry with Retry-After, other 4xx rejected), every failure (thrown or unreadable) classified per action, and
/// redaction of every detail. Kinds whose API takes many records per call override <see cref="BatchLimit"/> and
/// <see cref="DeliverBatchAsync"/>.
/// </summary>
public abstract class HttpConnector : IBatchConnector
{
    private readonly ConnectorConfig _config;

    protected HttpConnector(ConnectorConfig config, ConnectorContext context)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(context);
        _config = config;
        Context = context;
    }

    public string Name => _config.Name;

    protected ConnectorContext Context { get; }

    public string Fingerprint() => ConnectorFingerprint.Of(_config, Context.Secrets);

    /// <summary>A setting with its <c>${ENV}</c> references resolved, a step param overriding a non-secret one, or the default.</summary>
    internal string? Setting(string name, ActionPayload? payload = null, string? fallback = null)
    {
        if (payload?.Param(name) is { } p)
            return p;
        return _config.Settings.TryGetValue(name, out var raw) ? Context.Secrets.Resolve(Name, name, raw) : fallback;
    }

    internal bool HasSetting(string name) => _config.Settings.ContainsKey(name);

    internal string RequireSetting(string name, ActionPayload? payload = null) =>
        Setting(name, payload) ?? throw new RejectedException($"setting '{name}' is missing");

    private TimeSpan Timeout => TimeSpan.FromSeconds(double.Parse(Setting("timeout_seconds") ?? "30", CultureInfo.InvariantCulture));

    /// <summary>The client-side throttle every request of this connector passes (null: none).</summary>
    internal virtual RateLimiter? Throttle => null;

    public int MaxBatch(string action) => BatchLimit(action);

    /// <summary>Records per call for <paramref name="action"/>; 1 (the default) sends each action on its own.</summary>
    internal virtual int BatchLimit(string action) => 1;

    public async Task<DeliveryResult> SendAsync(OutboxAction action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        DeliveryResult result;
        try
        {
            result = await DeliverAsync(new ActionPayload(action), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Classify(ex, cancellationToken) is { } classified)
        {
            result = classified;
        }
        return Scrub(result);
    }

    public async Task<IReadOnlyList<DeliveryResult>> SendBatchAsync(IReadOnlyList<OutboxAction> actions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actions);
        if (actions.Count == 1 || BatchLimit(actions[0].Action) <= 1)
        {
            var one = new List<DeliveryResult>(actions.Count);
            foreach (var action in actions)
                one.Add(await SendAsync(action, cancellationToken).ConfigureAwait(false));
            return one;
        }
        var results = new DeliveryResult?[actions.Count];
        var payloads = new ActionPayload?[actions.Count];
        for (var i = 0; i < actions.Count; i++)
        {
            try
            {
                payloads[i] = new ActionPayload(actions[i]);
            }
            catch (Exception ex) when (Classify(ex, cancellationToken) is { } classified)
            {
                results[i] = classified with { Outcome = DeliveryOutcome.Rejected };
            }
        }
        try
        {
            await DeliverBatchAsync(payloads, results, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Classify(ex, cancellationToken) is { } classified)
        {
            for (var i = 0; i < results.Length; i++)
                results[i] ??= classified;
        }
        return [.. results.Select(r => Scrub(r ?? new DeliveryResult(DeliveryOutcome.Retry, "no result for this record in the answer")))];
    }

    private DeliveryResult Scrub(DeliveryResult result) => result with { Detail = $"{Name}: {Context.Secrets.Redact(result.Detail)}" };

    /// <summary>The result a failure inside a connector stands for; null for cancellation by the caller (which must propagate).</summary>
    private DeliveryResult? Classify(Exception ex, CancellationToken ct) => ex switch
    {
        OperationCanceledException when ct.IsCancellationRequested => null,
        DeliveryException d => d.Result,
        MissingSecretException => new(DeliveryOutcome.AuthFailed, ex.Message),
        RejectedException => new(DeliveryOutcome.Rejected, ex.Message),
        OperationCanceledException => new(DeliveryOutcome.Retry, $"no answer within {Timeout.TotalSeconds:0.#} s (timeout)"),
        HttpRequestException h => new(DeliveryOutcome.Retry, $"network error: {h.HttpRequestError} {h.Message}"),
        // A 200 whose body is not the API's JSON (a proxy's HTML page, a truncated answer): try again later.
        System.Text.Json.JsonException => new(DeliveryOutcome.Retry, $"unreadable answer: {ex.Message}"),
        // JSON of an unexpected shape (a string where an object was due, a missing member).
        InvalidOperationException or FormatException or InvalidCastException or KeyNotFoundException or IndexOutOfRangeException or ArgumentOutOfRangeException
            or NullReferenceException
            => new(DeliveryOutcome.Retry, $"unexpected answer: {ex.GetType().Name}: {ex.Message}"),
        _ => null,
    };

    /// <summary>One delivery attempt for the action; throw <see cref="RejectedException"/> for an action that cannot be sent.</summary>
    internal abstract Task<DeliveryResult> DeliverAsync(ActionPayload payload, CancellationToken cancellationToken);

    /// <summary>
    /// One call for many actions of one kind. <paramref name="payloads"/>[i] is null where the payload was unreadable (its result is
    /// set); fill <paramref name="results"/>[i] for every other action. A throw sets the same classified result on every unfilled one.
    /// </summary>
    internal virtual Task DeliverBatchAsync(IReadOnlyList<ActionPayload?> payloads, DeliveryResult?[] results, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"{Name} does not batch");

    /// <summary>The bearer token for a call: the static <c>token</c> setting unless the connector runs an OAuth flow.</summary>
    internal virtual Task<string> BearerAsync(CancellationToken cancellationToken) => Task.FromResult(RequireSetting("token"));

    /// <summary>Forgets a cached token; false when there is nothing to refresh (a static token).</summary>
    internal virtual bool ForgetBearer() => false;

    /// <summary>Whether an answer says the bearer token is no longer valid (default: HTTP 401).</summary>
    internal virtual bool BearerRejected(HttpAnswer answer) => (int)answer.Status == 401;

    /// <summary>Sends with a bearer token; when the answer says the token expired, refreshes it once and sends again.</summary>
    internal async Task<HttpAnswer> SendAuthorizedAsync(Func<string, HttpRequestMessage> build, CancellationToken cancellationToken)
    {
        HttpAnswer answer;
        using (var request = build(await BearerAsync(cancellationToken).ConfigureAwait(false)))
            answer = await SendRequestAsync(request, cancellationToken).ConfigureAwait(false);
        if (!BearerRejected(answer) || !ForgetBearer())
            return answer;
        using var again = build(await BearerAsync(cancellationToken).ConfigureAwait(false));
        return await SendRequestAsync(again, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Asks an OAuth token endpoint for a token with a form-encoded POST (secrets in the body, never in the URL). A refusal
    /// (400/401/403, e.g. <c>invalid_grant</c>, <c>invalid_client</c>) is a credentials failure; 429/5xx are transient. The access
    /// and refresh tokens are remembered as secrets so no log or outbox row can show them.
    /// </summary>
    internal async Task<System.Text.Json.Nodes.JsonObject> PostTokenAsync(string url, IEnumerable<KeyValuePair<string, string>> form, string what, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Accept.ParseAdd("application/json");
        var answer = await SendRequestAsync(request, cancellationToken).ConfigureAwait(false);
        var code = (int)answer.Status;
        if (code is 400 or 401 or 403)
            throw new DeliveryException(new(DeliveryOutcome.AuthFailed, $"{what}: HTTP {code} {answer.Snippet}: the token endpoint refused the credentials"));
        if (code != 200)
            throw new DeliveryException(Classify(answer, what));
        var json = System.Text.Json.Nodes.JsonNode.Parse(answer.Body) as System.Text.Json.Nodes.JsonObject
            ?? throw new System.Text.Json.JsonException($"{what}: the answer is not a JSON object");
        var token = (string?)json["access_token"];
        if (string.IsNullOrEmpty(token))
            throw new DeliveryException(new(DeliveryOutcome.AuthFailed, $"{what}: the answer held no access_token"));
        Context.Secrets.Remember(token);
        if ((string?)json["refresh_token"] is { } refresh)
            Context.Secrets.Remember(refresh);
        return json;
    }

    /// <summary>
    /// <see cref="SendAuthorizedAsync"/> for the common request: a method, a URL (built after the token, since Salesforce's instance
    /// comes with it), an optional JSON body and an optional Accept type.
    /// </summary>
    internal Task<HttpAnswer> SendBearerAsync(HttpMethod method, Func<string> url, string? json, CancellationToken cancellationToken,
        string mediaType = "application/json", string? accept = null) =>
        SendAuthorizedAsync(token =>
        {
            var request = Request(method, url(), token);
            if (accept is not null)
                request.Headers.Accept.ParseAdd(accept);
            if (json is not null)
                request.Content = Json(json, mediaType);
            return request;
        }, cancellationToken);

    /// <summary>Sends with this connector's timeout and throttle and returns status, headers and the body as text.</summary>
    internal async Task<HttpAnswer> SendRequestAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var lease = Throttle is { } throttle ? await throttle.AcquireAsync(1, cancellationToken).ConfigureAwait(false) : null;
        if (lease is { IsAcquired: false })
            throw new DeliveryException(new DeliveryResult(DeliveryOutcome.Retry, "client-side throttle queue is full"));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        using var response = await Context.Http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            headers[name] = string.Join(", ", values);
        return new HttpAnswer(response.StatusCode, body, RetryAfter(response), headers);
    }

    /// <summary>A JSON body declared as UTF-8 (<c>application/json; charset=utf-8</c>: Slack warns <c>missing_charset</c> without it).</summary>
    internal static StringContent Json(string json, string mediaType = "application/json") =>
        new(json, Encoding.UTF8, new MediaTypeHeaderValue(mediaType) { CharSet = "utf-8" });

    internal static HttpRequestMessage Request(HttpMethod method, string url, string? bearer)
    {
        var request = new HttpRequestMessage(method, url);
        if (bearer is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return request;
    }

    /// <summary>The first element of a JSON array, or null when it is not an array or is empty (vendors send <c>errors: []</c>).</summary>
    internal static System.Text.Json.Nodes.JsonNode? FirstOf(System.Text.Json.Nodes.JsonNode? node) =>
        node is System.Text.Json.Nodes.JsonArray { Count: > 0 } array ? array[0] : null;

    /// <summary>The standard reading of an HTTP status; connectors with their own semantics check first.</summary>
    internal static DeliveryResult Classify(HttpAnswer answer, string what)
    {
        var code = (int)answer.Status;
        var snippet = answer.Snippet;
        return code switch
        {
            >= 200 and < 300 => DeliveryResult.Ok($"{what}: HTTP {code}"),
            401 => new(DeliveryOutcome.AuthFailed, $"{what}: HTTP 401 Unauthorized: the credentials were rejected (expired or wrong token)"),
            403 => new(DeliveryOutcome.AuthFailed, $"{what}: HTTP 403 Forbidden: the credentials lack permission for this call; fix the scopes. {snippet}"),
            429 => new(DeliveryOutcome.Retry, $"{what}: HTTP 429 rate limited", answer.RetryAfter),
            408 or >= 500 => new(DeliveryOutcome.Retry, $"{what}: HTTP {code} {snippet}", answer.RetryAfter),
            _ => new(DeliveryOutcome.Rejected, $"{what}: HTTP {code} {snippet}"),
        };
    }

    /// <summary>A failed check after an ambiguous answer: credentials stay credentials, anything else is worth another attempt.</summary>
    internal static DeliveryResult LookupFailed(HttpAnswer answer, string what) =>
        Classify(answer, what) is { Outcome: DeliveryOutcome.AuthFailed } auth ? auth : Classify(answer, what) with { Outcome = DeliveryOutcome.Retry };

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
            return delta;
        if (header?.Date is { } date)
        {
            var wait = date - Context.Time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }
}

/// <summary>Status, body, Retry-After and headers of an answered request.</summary>
internal sealed record HttpAnswer(HttpStatusCode Status, string Body, TimeSpan? RetryAfter, IReadOnlyDictionary<string, string> Headers)
{
    public HttpAnswer(HttpStatusCode status, string body, TimeSpan? retryAfter) : this(status, body, retryAfter, new Dictionary<string, string>()) { }

    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;

    /// <summary>The body cut to 300 characters, for a detail line.</summary>
    public string Snippet => Body.Length > 300 ? Body[..300] + "..." : Body;
}

/// <summary>The action cannot be sent as it is (a missing id attribute, a missing setting): it goes to the dead letters.</summary>
internal sealed class RejectedException(string message) : Exception(message);

/// <summary>A failure deep inside a call (a token endpoint's refusal, a full throttle) that already knows its classification.</summary>
internal sealed class DeliveryException(DeliveryResult result) : Exception(result.Detail)
{
    public DeliveryResult Result { get; } = result;
}
