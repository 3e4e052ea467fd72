using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Pql.Core.Scoring;
using Pql.Server.Live;
using Pql.Server.Security;

namespace Pql.Server.Apis;

/// <summary>A page of a goal's score list.</summary>
public sealed record ScorePage(string Goal, int Total, int Page, int PageSize, IReadOnlyList<BoardRow> Rows);

/// <summary>The values a goal's score list can be filtered by: tiers highest first, segments and owners in name order.</summary>
public sealed record ScoreFacets(IReadOnlyList<string> Tiers, IReadOnlyList<string> Segments, IReadOnlyList<string> Owners);

/// <summary>The filters and paging of <c>GET /v1/goals/{goal}/scores</c>.</summary>
public sealed record ScoreQuery(string? Tier, string? Segment, string? Owner, double? Min, double? Max, string? Q, bool MovedUp, string? Sort, int Page, int PageSize);

/// <summary>GET /v1/goals/{goal}/scores: the latest score of every entity, filtered, sorted, paged, or exported as CSV.</summary>
public static class ScoresApi
{
    public static IEndpointRouteBuilder MapScoresApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/goals").RequireAuthorization(Policies.Read).WithTags("Scores");
        api.MapGet("/", Goals).WithName("Goals").WithSummary("The goals of the workspace.");
        api.MapGet("/{goal}/facets", Facets).WithName("Facets")
            .WithSummary("The tiers, segments and owners present in a goal's latest scores (the web app's filter options).");
        api.MapGet("/{goal}/scores", Scores).WithName("Scores")
            .WithSummary("Latest scores of a goal: filter by tier, segment, owner, score range, text; sort by score or change; page; format=csv exports every match.");
        return app;
    }

    public static Ok<IReadOnlyList<string>> Goals(WorkspaceEngine engine) => TypedResults.Ok<IReadOnlyList<string>>([.. engine.Config.Goals.Select(g => g.Name)]);

    public static async Task<Results<Ok<ScorePage>, FileContentHttpResult, NotFound<ProblemDetailsLite>>> Scores(
        string goal, WorkspaceEngine engine, ScoreBoard board, CancellationToken ct,
        string? tier = null, string? segment = null, string? owner = null, double? min = null, double? max = null, string? q = null,
        bool movedUp = false, string? sort = null, int page = 1, int pageSize = 50, string? format = null)
    {
        if (engine.Config.Goals.All(g => g.Name != goal))
            return TypedResults.NotFound(new ProblemDetailsLite("Unknown goal", $"no goal named '{goal}' in pql.yaml"));
        var rows = await board.RowsAsync(goal, ct).ConfigureAwait(false);
        var matches = Filter(rows, new ScoreQuery(tier, segment, owner, min, max, q, movedUp, sort, page, pageSize));
        if (string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase))
            return TypedResults.File(Csv(matches), "text/csv", goal + "-scores.csv");
        pageSize = Math.Clamp(pageSize, 1, 500);
        page = Math.Max(1, page);
        var slice = matches.Skip((page - 1) * pageSize).Take(pageSize).ToList();
        return TypedResults.Ok(new ScorePage(goal, matches.Count, page, pageSize, slice));
    }

    public static async Task<Results<Ok<ScoreFacets>, NotFound<ProblemDetailsLite>>> Facets(string goal, WorkspaceEngine engine, ScoreBoard board, CancellationToken ct)
    {
        if (engine.Config.Goals.All(g => g.Name != goal))
            return TypedResults.NotFound(new ProblemDetailsLite("Unknown goal", $"no goal named '{goal}' in pql.yaml"));
        var rows = await board.RowsAsync(goal, ct).ConfigureAwait(false);
        var policy = TierPolicy.Parse(engine.Config, goal).TierNames;
        var tiers = rows.Select(r => r.Tier).Distinct(StringComparer.Ordinal)
            .OrderBy(t => policy.Contains(t) ? policy.ToList().IndexOf(t) : policy.Count).ThenBy(t => t, StringComparer.Ordinal).ToList();
        return TypedResults.Ok(new ScoreFacets(tiers, Distinct(rows, r => r.Segment), Distinct(rows, r => r.Owner)));
    }

    private static List<string> Distinct(BoardRow[] rows, Func<BoardRow, string?> value) =>
        [.. rows.Select(value).OfType<string>().Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    public static List<BoardRow> Filter(BoardRow[] rows, ScoreQuery query)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(query);
        var list = new List<BoardRow>();
        foreach (var r in rows)
        {
            if (query.Tier is { Length: > 0 } t && r.Tier != t)
                continue;
            if (query.Segment is { Length: > 0 } s && r.Segment != s)
                continue;
            if (query.Owner is { Length: > 0 } o && r.Owner != o)
                continue;
            if (query.Min is { } lo && r.Score < lo)
                continue;
            if (query.Max is { } hi && r.Score > hi)
                continue;
            if (query.MovedUp && !(r.Change > 0))
                continue;
            if (query.Q is { Length: > 0 } text && !r.EntityId.Contains(text, StringComparison.OrdinalIgnoreCase)
                && !r.Attributes.Values.Any(v => v.Contains(text, StringComparison.OrdinalIgnoreCase)))
                continue;
            list.Add(r);
        }
        switch (query.Sort)
        {
            case "score":
                list.Reverse();
                break;
            case "-change":
                list.Sort((a, b) => (b.Change ?? double.MinValue).CompareTo(a.Change ?? double.MinValue));
                break;
            case "id":
                list.Sort((a, b) => string.CompareOrdinal(a.EntityId, b.EntityId));
                break;
        }
        return list;
    }

    private static byte[] Csv(List<BoardRow> rows)
    {
        var sb = new StringBuilder("entity_id,score,tier,change,owner,segment,top_drivers\n");
        foreach (var r in rows)
        {
            sb.Append(Quote(r.EntityId)).Append(',')
              .Append(r.Score.ToString("R", CultureInfo.InvariantCulture)).Append(',')
              .Append(Quote(r.Tier)).Append(',')
              .Append(r.Change?.ToString("R", CultureInfo.InvariantCulture)).Append(',')
              .Append(Quote(r.Owner ?? "")).Append(',').Append(Quote(r.Segment ?? "")).Append(',')
              .Append(Quote(string.Join("; ", r.Drivers.Select(d => d.Feature)))).Append('\n');
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static string Quote(string v) => v.AsSpan().IndexOfAny(",\"\n") >= 0 ? "\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : v;
}

/// <summary>A small problem body for typed not-found answers (RFC 9457 fields).</summary>
public sealed record ProblemDetailsLite(string Title, string Detail, int Status = StatusCodes.Status404NotFound);
