using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Pql.Core.Tests.Playbooks.Fakes;

/// <summary>
/// A webhook receiver as a careful integrator writes one: checks the HMAC-SHA256 signature in constant time and the timestamp
/// within 300 s, and applies each Idempotency-Key once (a repeat is answered 200 but not applied again). Any one <c>v1</c> that
/// matches is enough (a sender signs with old and new secret during a rotation). When the Standard Webhooks headers are sent, they
/// are verified too (<see cref="StandardKey"/>). Every body is kept per key, so a test can see that retries send the same bytes.
/// </summary>
internal sealed class WebhookFake(string secret, Func<DateTimeOffset>? clock = null) : FakeApi
{
    /// <summary>The Standard Webhooks signing key (the base64 part of a <c>whsec_</c> secret, decoded); null: not checked.</summary>
    public byte[]? StandardKey { get; set; }

    public ConcurrentDictionary<string, ConcurrentQueue<string>> Bodies { get; } = new();

    /// <summary>Answers this many requests with 503 first (after recording the body), so the sender retries.</summary>
    public int FailFirst { get; set; }

    public const string Path = "/hooks/pql";

    public ConcurrentDictionary<string, int> Applied { get; } = new();
    private int _replays;

    public int Replays => _replays;

    protected override FakeResponse Handle(FakeRequest r)
    {
        if (r.Method != "POST" || r.Path != Path)
            return Problem(404, $"{r.Method} {r.Path}", "{}");
        var signature = r.Header("X-Pql-Signature");
        var key = r.Header("Idempotency-Key");
        if (signature is null || key is null || !JsonContentType(r))
            return Problem(400, "headers", """{"error":"missing signature or idempotency key"}""");
        var parts = signature.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToList();
        var t = parts.FirstOrDefault(p => p[0] == "t")?[1];
        var signatures = parts.Where(p => p[0] == "v1").Select(p => p[1]).ToList();
        if (t is null || signatures.Count == 0 || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var ts))
            return Problem(400, "signature format", """{"error":"bad signature header"}""");
        var now = (clock ?? (() => DateTimeOffset.UtcNow))().ToUnixTimeSeconds();
        if (Math.Abs(now - ts) > 300)
            return Problem(400, "stale timestamp", """{"error":"timestamp outside tolerance"}""");
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{r.Body}"));
        var matched = false;
        foreach (var v1 in signatures)
        {
            try
            {
                matched |= CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(v1));
            }
            catch (FormatException)
            {
                return Problem(401, "signature hex", """{"error":"bad signature"}""");
            }
        }
        if (!matched)
            return Problem(401, "signature mismatch", """{"error":"bad signature"}""");
        if (StandardKey is { } standardKey)
        {
            var id = r.Header("webhook-id");
            var stamp = r.Header("webhook-timestamp");
            var wanted = "v1," + Convert.ToBase64String(HMACSHA256.HashData(standardKey, Encoding.UTF8.GetBytes($"{id}.{stamp}.{r.Body}")));
            if (id != key || stamp != t || r.Header("webhook-signature")?.Split(' ').Contains(wanted) != true)
                return Problem(401, "standard webhooks signature", """{"error":"bad webhook-signature"}""");
        }
        Bodies.GetOrAdd(key, _ => new()).Enqueue(r.Body);
        if (FailFirst > 0)
        {
            FailFirst--;
            return new FakeResponse(503, """{"error":"try later"}""");
        }
        if ((string?)JsonNode.Parse(r.Body)?["id"] != key)
            return Problem(400, "event id", """{"error":"event id differs from the idempotency key"}""");
        if (!Applied.TryAdd(key, 1))
            Interlocked.Increment(ref _replays);   // a replay is acknowledged, never applied again
        return new FakeResponse(200, """{"received":true}""");
    }
}
