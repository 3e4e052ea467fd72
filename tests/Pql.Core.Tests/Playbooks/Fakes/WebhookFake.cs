using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Pql.Core.Tests.Playbooks.Fakes;

/// <summary>
/// A webhook receiver as a careful integrator writes one: checks the HMAC-SHA256 signature in constant time and the timestamp
/// within 300 s, and applies each Idempotency-Key once (a repeat is answered 200 but not applied again).
/// </summary>
internal sealed class WebhookFake(string secret, Func<DateTimeOffset>? clock = null) : FakeApi
{
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
        var parts = signature.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("t", out var t) || !parts.TryGetValue("v1", out var v1)
            || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var ts))
            return Problem(400, "signature format", """{"error":"bad signature header"}""");
        var now = (clock ?? (() => DateTimeOffset.UtcNow))().ToUnixTimeSeconds();
        if (Math.Abs(now - ts) > 300)
            return Problem(400, "stale timestamp", """{"error":"timestamp outside tolerance"}""");
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{r.Body}"));
        byte[] given;
        try
        {
            given = Convert.FromHexString(v1);
        }
        catch (FormatException)
        {
            return Problem(401, "signature hex", """{"error":"bad signature"}""");
        }
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
            return Problem(401, "signature mismatch", """{"error":"bad signature"}""");
        if ((string?)JsonNode.Parse(r.Body)?["id"] != key)
            return Problem(400, "event id", """{"error":"event id differs from the idempotency key"}""");
        if (!Applied.TryAdd(key, 1))
            Interlocked.Increment(ref _replays);   // a replay is acknowledged, never applied again
        return new FakeResponse(200, """{"received":true}""");
    }
}
