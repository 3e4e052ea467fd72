using System.Text.Json.Nodes;

namespace Pql.Core.Tests.Playbooks.Fakes;

/// <summary>Shared checks of the per-API fakes: each returns the API's own error answer when a request is wrong.</summary>
internal abstract class FakeApi : IDisposable
{
    protected FakeApi() => Server = new FakeHttpServer(Handle, Unauthorized);

    public FakeHttpServer Server { get; }

    public string BaseUrl => Server.BaseUrl;

    /// <summary>Problems found in requests (a correct connector leaves this empty).</summary>
    public List<string> Problems { get; } = [];

    protected abstract FakeResponse Handle(FakeRequest request);

    protected virtual FakeResponse Unauthorized() => new(401, """{"message":"unauthorized"}""");

    protected FakeResponse Problem(int status, string problem, string body)
    {
        lock (Problems)
            Problems.Add(problem);
        return new FakeResponse(status, body);
    }

    protected static bool JsonContentType(FakeRequest r, string mediaType = "application/json") =>
        r.Header("Content-Type")?.Split(';')[0].Trim() == mediaType;

    protected static JsonNode? ParseBody(FakeRequest r)
    {
        try
        {
            return JsonNode.Parse(r.Body);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    public void Dispose() => Server.Dispose();
}
