using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Pql.Core.Workspace;
using Pql.Core.State;
using Pql.Server.Live;
using Pql.Server.Security;

namespace Pql.Server.Apis;

/// <summary>One goal's view of an entity: latest score, tier, drivers, history, firings and actions with their delivery state.</summary>
public sealed record GoalView(string Goal, EntityScorePoint? Latest, IReadOnlyList<EntityScorePoint> History, IReadOnlyList<TriggerFiring> Triggers, IReadOnlyList<OutboxAction> Actions);

public sealed record EntityView(string Kind, string Id, IReadOnlyList<GoalView> Goals);

/// <summary>GET /v1/accounts/{id} and /v1/users/{id}: accounts and users may share ids, so the kind is in the route.</summary>
public static class EntitiesApi
{
    public static IEndpointRouteBuilder MapEntitiesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1").RequireAuthorization(Policies.Read).WithTags("Entities");
        api.MapGet("/accounts/{id}", Account).WithName("Account").WithSummary("Every account goal's score, tier, drivers, history, triggers and actions.");
        api.MapGet("/users/{id}", User).WithName("User").WithSummary("Every user goal's score, tier, drivers, history, triggers and actions.");
        return app;
    }

    public static Task<Results<Ok<EntityView>, NotFound<ProblemDetailsLite>>> Account(string id, WorkspaceEngine engine, IEntityHistory history, CancellationToken ct) =>
        View("account", EntityKind.Account, id, engine, history, ct);

    public static Task<Results<Ok<EntityView>, NotFound<ProblemDetailsLite>>> User(string id, WorkspaceEngine engine, IEntityHistory history, CancellationToken ct) =>
        View("user", EntityKind.User, id, engine, history, ct);

    private static async Task<Results<Ok<EntityView>, NotFound<ProblemDetailsLite>>> View(string kind, EntityKind entity, string id, WorkspaceEngine engine, IEntityHistory history, CancellationToken ct)
    {
        var known = entity == EntityKind.Account ? engine.KnowsAccount(id) : engine.AccountOfUser(id) is not null;
        var goals = new List<GoalView>();
        foreach (var goal in engine.Config.Goals.Where(g => g.Entity == entity))
        {
            var points = await history.EntityScoresAsync(goal.Name, id, 200, ct).ConfigureAwait(false);
            var firings = await history.EntityFiringsAsync(goal.Name, id, 100, ct).ConfigureAwait(false);
            var actions = await history.EntityActionsAsync(goal.Name, id, 100, ct).ConfigureAwait(false);
            var latest = points.Count > 0 ? await OnDemandDrivers.WithDriversAsync(engine, goal, points[^1], ct).ConfigureAwait(false) : null;
            goals.Add(new GoalView(goal.Name, latest, points, firings, actions));
        }
        if (!known && goals.All(g => g.Latest is null))
            return TypedResults.NotFound(new ProblemDetailsLite($"Unknown {kind}", $"no {kind} '{id}' in the workspace"));
        return TypedResults.Ok(new EntityView(kind, id, goals));
    }
}
