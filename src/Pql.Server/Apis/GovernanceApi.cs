using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Pql.Core.Learning.Artifacts;
using Pql.Core.Learning.Evaluation;
using Pql.Core.State;
using Pql.Server.Live;
using Pql.Server.Security;

namespace Pql.Server.Apis;

/// <summary>A goal's current model; <see cref="Calibration"/> holds the chosen model's validation deciles (lowest scores first), for the calibration and lift charts.</summary>
public sealed record ModelView(string Goal, string Version, string Kind, long CreatedMs, JsonElement Metrics, string? Card,
    double? BaseRate = null, IReadOnlyList<CalibrationBin>? Calibration = null)
{
    /// <summary>The version's change log against the version it replaced (docs/GOVERNANCE.md), when there is one.</summary>
    public string? ChangeLog { get; init; }
}

public sealed record MeView(string Name, string Role);

/// <summary>GET /v1/triggers (recent firings with reasons), GET /v1/models (current model per goal and its card), GET /v1/me.</summary>
public static class GovernanceApi
{
    public static IEndpointRouteBuilder MapGovernanceApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1").RequireAuthorization(Policies.Read).WithTags("Governance");
        api.MapGet("/triggers", Triggers).WithName("Triggers").WithSummary("Recent trigger firings of every goal, newest first, with their reasons.");
        api.MapGet("/models", Models).WithName("Models").WithSummary("The current model of each goal, its validation metrics, its model card and its change log.");
        api.MapGet("/me", Me).WithName("Me").WithSummary("The calling key's name and role (the web app's 'my accounts' is owner = this name).");
        return app;
    }

    public static async Task<Ok<IReadOnlyList<TriggerFiring>>> Triggers(IEntityHistory history, CancellationToken ct, int limit = 100) =>
        TypedResults.Ok(await history.RecentFiringsAsync(Math.Clamp(limit, 1, 1000), ct).ConfigureAwait(false));

    public static async Task<Ok<List<ModelView>>> Models(WorkspaceEngine engine, CancellationToken ct)
    {
        var list = new List<ModelView>();
        foreach (var goal in engine.Config.Goals)
        {
            var model = await engine.WithStateAsync(s => s.CurrentModelAsync(goal.Name, ct), ct).ConfigureAwait(false);
            if (model is null)
                continue;
            using var metrics = JsonDocument.Parse(string.IsNullOrWhiteSpace(model.MetricsJson) ? "{}" : model.MetricsJson);
            var chosen = File.Exists(model.ArtifactPath) ? Validation(ModelArtifact.Load(model.ArtifactPath)) : null;
            var changes = Core.Governance.ChangeLog.PathFor(model.ArtifactPath);
            list.Add(new ModelView(goal.Name, model.Version, model.Kind, model.CreatedMs, metrics.RootElement.Clone(), Card(model.ArtifactPath),
                chosen?.BaseRate, chosen?.Calibration)
            {
                ChangeLog = File.Exists(changes) ? File.ReadAllText(changes) : null,
            });
        }
        return TypedResults.Ok(list);
    }

    public static Ok<MeView> Me(System.Security.Claims.ClaimsPrincipal user) =>
        TypedResults.Ok(new MeView(user.Identity?.Name ?? "", user.FindFirst(System.Security.Claims.ClaimTypes.Role)?.Value ?? ""));

    /// <summary>The chosen model's validation metrics, as the training run stored them in the artifact.</summary>
    private static ModelMetrics? Validation(ModelArtifact artifact) =>
        artifact.Candidates.FirstOrDefault(c => c.Kind == artifact.Kind)?.Metrics;

    /// <summary>The model card written beside the artifact (<c>*.card.md</c>), when there is one.</summary>
    private static string? Card(string artifactPath)
    {
        var dir = Path.GetDirectoryName(artifactPath) ?? ".";
        var stem = Path.GetFileNameWithoutExtension(artifactPath);
        foreach (var candidate in new[] { Path.Combine(dir, stem + ".card.md"), Path.Combine(dir, stem + ".md") })
        {
            if (File.Exists(candidate))
                return File.ReadAllText(candidate);
        }
        return null;
    }
}
