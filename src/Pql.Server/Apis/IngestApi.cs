using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Pql.Core.State;
using Pql.Server.Live;
using Pql.Server.Security;

namespace Pql.Server.Apis;

/// <summary>
/// POST /v1/events, /v1/accounts, /v1/users: a JSON array or NDJSON of contract rows. 202 means the accepted rows are on disk
/// (fsync'd); the answer lists every rejected row with its index, field and reason; a replayed event_id is a duplicate, not an error.
/// </summary>
public static class IngestApi
{
    public static IEndpointRouteBuilder MapIngestApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1").RequireAuthorization(Policies.Write).WithTags("Ingest");
        api.MapPost("/events", PostEvents).WithName("PostEvents")
            .WithSummary("Append contract events (JSON array or NDJSON); idempotent by event_id.")
            .Accepts<IReadOnlyList<Dictionary<string, object>>>("application/json", "application/x-ndjson");
        api.MapPost("/accounts", PostAccounts).WithName("PostAccounts").WithSummary("Upsert accounts (JSON array or NDJSON).")
            .Accepts<IReadOnlyList<Dictionary<string, object>>>("application/json", "application/x-ndjson");
        api.MapPost("/users", PostUsers).WithName("PostUsers").WithSummary("Upsert users (JSON array or NDJSON).")
            .Accepts<IReadOnlyList<Dictionary<string, object>>>("application/json", "application/x-ndjson");
        return app;
    }

    public static Task<Results<Accepted<IngestResult>, ProblemHttpResult>> PostEvents(HttpRequest request, IngestService ingest, WorkspaceEngine engine, ClaimsPrincipal user, CancellationToken ct) =>
        Ingest(request, engine, user, "events", body => ingest.IngestEvents(body), ct);

    public static Task<Results<Accepted<IngestResult>, ProblemHttpResult>> PostAccounts(HttpRequest request, IngestService ingest, WorkspaceEngine engine, ClaimsPrincipal user, CancellationToken ct) =>
        Ingest(request, engine, user, "accounts", body => ingest.IngestEntities(body, "accounts"), ct);

    public static Task<Results<Accepted<IngestResult>, ProblemHttpResult>> PostUsers(HttpRequest request, IngestService ingest, WorkspaceEngine engine, ClaimsPrincipal user, CancellationToken ct) =>
        Ingest(request, engine, user, "users", body => ingest.IngestEntities(body, "users"), ct);

    private static async Task<Results<Accepted<IngestResult>, ProblemHttpResult>> Ingest(HttpRequest request, WorkspaceEngine engine, ClaimsPrincipal user,
        string table, Func<ReadOnlyMemory<byte>, IngestResult> store, CancellationToken ct)
    {
        var limit = engine.Options.MaxRequestBytes;
        if (request.ContentLength > limit)
            return TooLarge(limit);
        byte[] body;
        try
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, ct).ConfigureAwait(false);
            if (buffer.Length > limit)
                return TooLarge(limit);
            body = buffer.ToArray();
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(limit);
        }
        var result = store(body);
        var actor = Policies.ActorOf(user);
        await engine.WithStateAsync(async s =>
        {
            await s.AppendAuditAsync(new AuditEntry(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), actor.ToString(), "ingest." + table,
                string.Create(CultureInfo.InvariantCulture, $"{result.Accepted} accepted, {result.Duplicates} duplicates, {result.Rejected.Count} rejected")), ct).ConfigureAwait(false);
            return 0;
        }, ct).ConfigureAwait(false);
        return TypedResults.Accepted((string?)null, result);
    }

    private static ProblemHttpResult TooLarge(long limit) => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large",
        detail: string.Create(CultureInfo.InvariantCulture, $"the body exceeds the limit of {limit:N0} bytes; split the batch"));
}
