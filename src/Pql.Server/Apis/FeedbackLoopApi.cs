using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Pql.Core.Application;
using Pql.Core.State;
using Pql.Core.Workspace;
using Pql.Server.Live;
using Pql.Server.Security;

namespace Pql.Server.Apis;

/// <summary>An override asked for through the API: entities, a tier or <c>suppress</c>, why, and how long (<c>30d</c>).</summary>
public sealed record OverrideBody(IReadOnlyList<string> Entities, string? Tier, bool Suppress, string Reason, string Expires);

/// <summary>Feedback through the API (the web app's buttons): entity, kind (<c>false_positive</c>, <c>false_negative</c>, <c>disqualified</c>), why, cool-down.</summary>
public sealed record FeedbackBody(string Entity, string Kind, string Reason, string? CoolDown);

/// <summary>A goal's overrides in force and waiting.</summary>
public sealed record OverridesView(IReadOnlyList<EntityOverride> Active, IReadOnlyList<EntityOverride> Pending, long? Batch = null, string? WaitsBecause = null);

/// <summary>
/// Overrides (write keys) and feedback (any key: every rep may say a score is wrong, recorded under the key's name), and the goal's report
/// as the same self-contained HTML as <c>pql report</c>.
/// </summary>
public static class FeedbackLoopApi
{
    public static IEndpointRouteBuilder MapFeedbackLoopApi(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/v1/goals/{goal}").RequireAuthorization(Policies.Read).WithTags("Governance");
        var write = app.MapGroup("/v1/goals/{goal}").RequireAuthorization(Policies.Write).WithTags("Governance");
        read.MapGet("/overrides", Overrides).WithName("Overrides").WithSummary("Overrides in force and waiting for approval.");
        write.MapPost("/overrides", SetOverride).WithName("SetOverride")
            .WithSummary("Override entities' tier (or suppress them) with a reason and an expiry; more than one tier or more than 10 entities waits for another key's approval.");
        write.MapPost("/overrides/{batch:long}/approve", ApproveOverride).WithName("ApproveOverride").WithSummary("Approve a waiting batch (not by the key that asked).");
        write.MapDelete("/overrides/{entity}", ClearOverride).WithName("ClearOverride").WithSummary("End an entity's overrides now.");
        read.MapGet("/feedback", Feedback).WithName("Feedback").WithSummary("The goal's feedback, oldest first.");
        read.MapPost("/feedback", AddFeedback).WithName("AddFeedback").WithSummary("Record false_positive, false_negative or disqualified (with a cool-down) for an entity.");
        read.MapGet("/report", Report).WithName("Report").WithSummary("The goal's lift report as self-contained HTML (as pql report writes it).");
        return app;
    }

    public static async Task<Results<Ok<OverridesView>, NotFound<ProblemDetailsLite>>> Overrides(string goal, WorkspaceEngine engine, CancellationToken ct)
    {
        if (Unknown(engine, goal) is { } missing)
            return missing;
        var result = await engine.WithStateAsync(s => OverrideService.DescribeAsync(s, goal, 0, null, ct), ct).ConfigureAwait(false);
        return TypedResults.Ok(View(result));
    }

    public static async Task<Results<Ok<OverridesView>, NotFound<ProblemDetailsLite>, ProblemHttpResult>> SetOverride(string goal, OverrideBody body,
        WorkspaceEngine engine, ScoreBoard board, ClaimsPrincipal user, CancellationToken ct)
    {
        if (Unknown(engine, goal) is { } missing)
            return missing;
        return await Guard(async () =>
        {
            var ms = Duration.TryParseMs(body.Expires) ?? throw new PqlInputException($"expires: '{body.Expires}' is not a duration such as 30d");
            var request = new OverrideRequest(engine.Config.Directory, goal, body.Entities ?? [], body.Reason, ms)
            {
                Tier = body.Tier,
                Suppress = body.Suppress,
                By = Policies.ActorOf(user),
            };
            var result = await engine.WithStateAsync(s => OverrideService.SetAsync(s, engine.Config, request, TimeProvider.System, cancellationToken: ct), ct).ConfigureAwait(false);
            board.Invalidate();
            return View(result);
        }).ConfigureAwait(false);
    }

    public static async Task<Results<Ok<OverridesView>, NotFound<ProblemDetailsLite>, ProblemHttpResult>> ApproveOverride(string goal, long batch,
        WorkspaceEngine engine, ScoreBoard board, ClaimsPrincipal user, CancellationToken ct)
    {
        if (Unknown(engine, goal) is { } missing)
            return missing;
        return await Guard(async () =>
        {
            var result = await engine.WithStateAsync(s => OverrideService.ApproveAsync(s, goal, batch, Policies.ActorOf(user), ct), ct).ConfigureAwait(false);
            board.Invalidate();
            return View(result);
        }).ConfigureAwait(false);
    }

    public static async Task<Results<Ok<OverridesView>, NotFound<ProblemDetailsLite>, ProblemHttpResult>> ClearOverride(string goal, string entity,
        WorkspaceEngine engine, ScoreBoard board, ClaimsPrincipal user, CancellationToken ct)
    {
        if (Unknown(engine, goal) is { } missing)
            return missing;
        return await Guard(async () =>
        {
            var result = await engine.WithStateAsync(s => OverrideService.ClearAsync(s, goal, entity, Policies.ActorOf(user), ct), ct).ConfigureAwait(false);
            board.Invalidate();
            return View(result);
        }).ConfigureAwait(false);
    }

    public static async Task<Results<Ok<IReadOnlyList<FeedbackEntry>>, NotFound<ProblemDetailsLite>>> Feedback(string goal, WorkspaceEngine engine, CancellationToken ct)
    {
        if (Unknown(engine, goal) is { } missing)
            return missing;
        return TypedResults.Ok(await engine.WithStateAsync(s => s.FeedbackAsync(goal, ct), ct).ConfigureAwait(false));
    }

    public static async Task<Results<Ok<FeedbackEntry>, NotFound<ProblemDetailsLite>, ProblemHttpResult>> AddFeedback(string goal, FeedbackBody body,
        WorkspaceEngine engine, ClaimsPrincipal user, CancellationToken ct)
    {
        if (Unknown(engine, goal) is { } missing)
            return missing;
        return await Guard(async () =>
        {
            var kind = FeedbackKinds.Parse(body.Kind) ?? throw new PqlInputException($"kind: '{body.Kind}' is not one of false_positive, false_negative, disqualified");
            long? coolDown = body.CoolDown is { Length: > 0 } text
                ? Duration.TryParseMs(text) ?? throw new PqlInputException($"coolDown: '{text}' is not a duration such as 90d")
                : null;
            var request = new FeedbackRequest(engine.Config.Directory, goal, body.Entity, kind, body.Reason) { CoolDownMs = coolDown, By = Policies.ActorOf(user) };
            return await engine.WithStateAsync(s => FeedbackService.RecordAsync(s, engine.Config, request, TimeProvider.System, ct), ct).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    public static async Task<Results<ContentHttpResult, NotFound<ProblemDetailsLite>>> Report(string goal, WorkspaceEngine engine, CancellationToken ct)
    {
        if (Unknown(engine, goal) is { } missing)
            return missing;
        var load = engine.Load ?? engine.Reload();
        var data = await engine.WithStateAsync(s => new ReportService().BuildAsync(engine.Config, load, s, new ReportRequest(engine.Config.Directory, goal), ct), ct)
            .ConfigureAwait(false);
        return TypedResults.Content(ReportHtml.Render(data), "text/html; charset=utf-8");
    }

    private static OverridesView View(OverrideResult r) =>
        new([.. r.Active.Values.OrderBy(o => o.EntityId, StringComparer.Ordinal)], r.Pending, r.Batch == 0 ? null : r.Batch, r.WaitsBecause);

    private static NotFound<ProblemDetailsLite>? Unknown(WorkspaceEngine engine, string goal) =>
        engine.Config.Goals.Any(g => g.Name == goal) ? null : TypedResults.NotFound(new ProblemDetailsLite("Unknown goal", $"no goal named '{goal}' in pql.yaml"));

    /// <summary>Bad input (one line) becomes a 400 problem; nothing else is caught.</summary>
    private static async Task<Results<Ok<T>, NotFound<ProblemDetailsLite>, ProblemHttpResult>> Guard<T>(Func<Task<T>> body)
    {
        try
        {
            return TypedResults.Ok(await body().ConfigureAwait(false));
        }
        catch (PqlInputException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest, title: "Bad request");
        }
    }
}
