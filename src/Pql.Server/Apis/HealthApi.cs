using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Pql.Server.Live;

namespace Pql.Server.Apis;

public sealed record ReadyView(bool Ready, bool Loaded, string? LoadError, IReadOnlyDictionary<string, string> Failures);

/// <summary>Liveness and readiness, the only routes without a key.</summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", Healthz).WithName("Healthz").WithSummary("The process answers.").AllowAnonymous();
        app.MapGet("/readyz", Readyz).WithName("Readyz")
            .WithSummary("The workspace is loaded and no background service (rescorer, dispatcher) is failing; 503 with the failures otherwise.")
            .AllowAnonymous();
        return app;
    }

    public static Ok<string> Healthz() => TypedResults.Ok("ok");

    public static Results<Ok<ReadyView>, JsonHttpResult<ReadyView>> Readyz(ServiceHealth health)
    {
        var view = new ReadyView(health.Ready, health.Loaded, health.LoadError, health.Failures.ToDictionary());
        return health.Ready ? TypedResults.Ok(view) : TypedResults.Json(view, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
