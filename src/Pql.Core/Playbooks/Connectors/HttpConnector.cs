using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Pql.Core.State;

namespace Pql.Core.Playbooks.Connectors;

/// <summary>
/// Shared HTTP plumbing: settings resolved at send time, per-request timeout, status classification
/// (2xx delivered, 401/403 auth failure, 429/408/5xx retry with Retry-After, other 4xx rejected) and redaction of every detail.
/// </summary>
public abstract class HttpConnector : IConnector
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

    /// <summary>A setting with its <c>${ENV}</c> references resolved, a step param overriding a non-secret one, or the default.</summary>
    internal string? Setting(string name, ActionPayload? payload = null, string? fallback = null)
    {
        if (payload?.Param(name) is { } p)
            return p;
        return _config.Settings.TryGetValue(name, out var raw) ? Context.Secrets.Resolve(Name, name, raw) : fallback;
    }

    internal string RequireSetting(string name, ActionPayload? payload = null) =>
        Setting(name, payload) ?? throw new RejectedException($"setting '{name}' is missing");

    private TimeSpan Timeout => TimeSpan.FromSeconds(double.Parse(Setting("timeout_seconds") ?? "30", CultureInfo.InvariantCulture));

    public async Task<DeliveryResult> SendAsync(OutboxAction action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        DeliveryResult result;
        try
        {
            result = await DeliverAsync(new ActionPayload(action), cancellationToken).ConfigureAwait(false);
        }
        catch (MissingSecretException ex)
        {
            result = new DeliveryResult(DeliveryOutcome.AuthFailed, ex.Message);
        }
        catch (RejectedException ex)
        {
            result = new DeliveryResult(DeliveryOutcome.Rejected, ex.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            result = new DeliveryResult(DeliveryOutcome.Retry, $"no answer within {Timeout.TotalSeconds:0.#} s (timeout)");
        }
        catch (HttpRequestException ex)
        {
            result = new DeliveryResult(DeliveryOutcome.Retry, $"network error: {ex.HttpRequestError} {ex.Message}");
        }
        catch (System.Text.Json.JsonException ex)
        {
            // A 200 whose body is not the API's JSON (a proxy's HTML page, a truncated answer): try again later.
            result = new DeliveryResult(DeliveryOutcome.Retry, $"unreadable answer: {ex.Message}");
        }
        return result with { Detail = $"{Name}: {Context.Secrets.Redact(result.Detail)}" };
    }

    /// <summary>One delivery attempt for the action; throw <see cref="RejectedException"/> for an action that cannot be sent.</summary>
    internal abstract Task<DeliveryResult> DeliverAsync(ActionPayload payload, CancellationToken cancellationToken);

    /// <summary>Sends with this connector's timeout and returns status, headers and the body as text.</summary>
    internal async Task<HttpAnswer> SendRequestAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        using var response = await Context.Http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
        return new HttpAnswer(response.StatusCode, body, RetryAfter(response));
    }

    internal static StringContent Json(string json, string mediaType = "application/json") =>
        new(json, Encoding.UTF8, new MediaTypeHeaderValue(mediaType));

    internal static HttpRequestMessage Request(HttpMethod method, string url, string? bearer)
    {
        var request = new HttpRequestMessage(method, url);
        if (bearer is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return request;
    }

    /// <summary>The standard reading of an HTTP status; connectors with their own semantics check first.</summary>
    internal static DeliveryResult Classify(HttpAnswer answer, string what)
    {
        var code = (int)answer.Status;
        var snippet = answer.Body.Length > 300 ? answer.Body[..300] + "..." : answer.Body;
        return code switch
        {
            >= 200 and < 300 => DeliveryResult.Ok($"{what}: HTTP {code}"),
            401 => new(DeliveryOutcome.AuthFailed, $"{what}: HTTP 401 Unauthorized: the credentials were rejected (expired or wrong token); fix them, then 'pql outbox --retry-dead'"),
            403 => new(DeliveryOutcome.AuthFailed, $"{what}: HTTP 403 Forbidden: the credentials lack permission for this call; fix the scopes, then 'pql outbox --retry-dead'. {snippet}"),
            429 => new(DeliveryOutcome.Retry, $"{what}: HTTP 429 rate limited", answer.RetryAfter),
            408 or >= 500 => new(DeliveryOutcome.Retry, $"{what}: HTTP {code} {snippet}", answer.RetryAfter),
            _ => new(DeliveryOutcome.Rejected, $"{what}: HTTP {code} {snippet}"),
        };
    }

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

/// <summary>Status, body and Retry-After of an answered request.</summary>
internal sealed record HttpAnswer(HttpStatusCode Status, string Body, TimeSpan? RetryAfter);

/// <summary>The action cannot be sent as it is (a missing id attribute, a missing setting): it goes to the dead letters.</summary>
internal sealed class RejectedException(string message) : Exception(message);
