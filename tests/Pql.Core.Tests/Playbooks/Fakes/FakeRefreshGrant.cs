using System.Text.Json.Nodes;

namespace Pql.Core.Tests.Playbooks.Fakes;

/// <summary>
/// An OAuth token endpoint answering the refresh-token grant (RFC 6749 §6) as HubSpot and Outreach do: a form-encoded POST with
/// grant_type, client_id, client_secret, refresh_token (and redirect_uri where the vendor documents it). Each grant issues a new
/// access token and invalidates the old one; with <see cref="Rotate"/> it also issues a new refresh token and only the newest is
/// accepted. Bad forms get 400 <c>invalid_grant</c> and are recorded in <see cref="Problems"/>.
/// </summary>
internal sealed class FakeRefreshGrant(string clientId, string clientSecret, string refreshToken, string? redirectUri = null, bool rotate = false)
{
    private string _refresh = refreshToken;
    private int _issued;

    public bool Rotate => rotate;

    /// <summary>The access token the API accepts now (null until the first grant).</summary>
    public string? Current { get; private set; }

    public int Issued => Volatile.Read(ref _issued);

    public List<IReadOnlyDictionary<string, string>> Forms { get; } = [];
    public List<string> Problems { get; } = [];

    /// <summary>The access token in use stops working, as a token past its lifetime does.</summary>
    public void Expire() => Current = "expired";

    public FakeResponse Answer(FakeRequest r)
    {
        var form = Form(r.Body);
        lock (Forms)
            Forms.Add(form);
        string? Field(string name) => form.TryGetValue(name, out var v) ? v : null;
        var problem =
            r.Method != "POST" ? "method" :
            r.Header("Content-Type")?.Split(';')[0].Trim() != "application/x-www-form-urlencoded" ? "content type" :
            Field("grant_type") != "refresh_token" ? "grant_type" :
            Field("client_id") != clientId || Field("client_secret") != clientSecret ? "client" :
            Field("refresh_token") != _refresh ? "refresh_token" :
            redirectUri is not null && Field("redirect_uri") != redirectUri ? "redirect_uri" : null;
        if (problem is not null)
        {
            lock (Problems)
                Problems.Add(problem);
            return new FakeResponse(400, """{"error":"invalid_grant","error_description":"The provided authorization grant is invalid"}""");
        }
        var n = Interlocked.Increment(ref _issued);
        Current = $"access-{n}";
        if (rotate)
            _refresh = $"refresh-{n}";
        return new FakeResponse(200, new JsonObject
        {
            ["access_token"] = Current,
            ["token_type"] = "bearer",
            ["expires_in"] = 1800,
            ["refresh_token"] = _refresh,
        }.ToJsonString());
    }

    private static Dictionary<string, string> Form(string body)
    {
        var form = new Dictionary<string, string>();
        foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            string Decode(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));
            if (eq > 0)
                form[Decode(pair[..eq])] = Decode(pair[(eq + 1)..]);
        }
        return form;
    }
}
