using System.Text.Json.Nodes;

namespace Pql.Core.Playbooks.Connectors;

/// <summary>
/// A cached OAuth access token: fetched on first use, kept until shortly before <c>expires_in</c> (or, when the answer gives no
/// lifetime, as Salesforce's does not, until the vendor rejects it), fetched again after <see cref="Forget"/>. One connector's
/// actions are sent one call at a time (<see cref="OutboxDispatcher"/>), so no lock is needed. Token values are remembered as secrets by the fetcher and never logged.
/// </summary>
internal sealed class OAuthToken(TimeProvider time)
{
    private static readonly TimeSpan s_margin = TimeSpan.FromSeconds(60);
    private string? _value;
    private DateTimeOffset _expires;

    /// <summary>The token endpoint's last answer (Salesforce's carries <c>instance_url</c>).</summary>
    public JsonObject? Answer { get; private set; }

    /// <summary>How many tokens were fetched (tests check that an expiry costs exactly one).</summary>
    public int Fetched { get; private set; }

    public async Task<string> GetAsync(Func<CancellationToken, Task<JsonObject>> fetch, CancellationToken cancellationToken)
    {
        if (_value is not null && time.GetUtcNow() < _expires)
            return _value;
        var answer = await fetch(cancellationToken).ConfigureAwait(false);
        var seconds = (long?)answer["expires_in"];
        _value = (string)answer["access_token"]!;
        _expires = seconds is { } s ? time.GetUtcNow().AddSeconds(s) - s_margin : DateTimeOffset.MaxValue;
        Answer = answer;
        Fetched++;
        return _value;
    }

    /// <summary>Drops the token so the next <see cref="GetAsync"/> fetches one; true (there is always a way to get another).</summary>
    public bool Forget()
    {
        _value = null;
        return true;
    }
}
