using System.Globalization;
using Pql.Core.Features;
using Pql.Core.Labels;
using Pql.Core.Learning.Artifacts;
using Pql.Core.Workspace;

namespace Pql.Core.Application;

public sealed record ExplainRequest(string Workspace, string Goal, string Entity) : UseCaseRequest(Workspace)
{
    public long? AsOfMs { get; init; }
    /// <summary>Keep features whose contribution is zero.</summary>
    public bool IncludeZero { get; init; }
}

/// <summary>One feature's part in a score: its contribution to the margin and its value (a category's level, "missing" when absent).</summary>
public sealed record FeatureContribution(string Feature, double Contribution, string Value);

public sealed record ExplainResult(
    GoalDefinition Goal, string EntityId, long AsOfMs, double Score, bool Eligible, string ModelKind, string ModelVersion,
    double BaseValue, double Margin, IReadOnlyList<FeatureContribution> Contributions);

/// <summary>One entity's score with the goal's current model, and every feature's contribution, largest first.</summary>
public static class ExplainService
{
    public static async Task<ExplainResult> ExplainAsync(ExplainRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var session = WorkspaceSession.Open(request.Workspace, log: request.Log, asOfMs: request.AsOfMs);
        var g = session.Config.Goal(request.Goal);
        var record = await CurrentModel.RequireAsync(session.State, g.Name, cancellationToken).ConfigureAwait(false);
        var model = ModelArtifact.Load(record.ArtifactPath).ToModel();
        var store = session.Load.Store;
        var code = g.Entity == EntityKind.Account ? store.AccountIds.Find(request.Entity) : store.UserIds.Find(request.Entity);
        if (code < 0)
            throw new PqlInputException($"no {g.Entity.ToString().ToLowerInvariant()} '{request.Entity}' in the workspace");
        var t = request.AsOfMs ?? store.MaxTime;
        var eligible = new GoalLabeler(store, g).IsEligible(code, t);
        var matrix = new FeatureEngine(store, FeatureConfig.Parse(session.Config), session.Config).Build(g.Entity, [code], [t]);
        var score = model.PredictProbability(matrix)[0];
        var explanation = model.Explain(matrix, 0);
        var names = model.FeatureNames;
        var contributions = Enumerable.Range(0, names.Count)
            .Where(i => request.IncludeZero || explanation.Contributions[i] != 0)
            .OrderByDescending(i => Math.Abs(explanation.Contributions[i])).ThenBy(i => names[i], StringComparer.Ordinal)
            .Select(i => new FeatureContribution(names[i], explanation.Contributions[i], ValueText(matrix, names[i])))
            .ToList();
        return new ExplainResult(g, request.Entity, t, score, eligible, model.Kind, record.Version, explanation.BaseValue, explanation.Margin, contributions);
    }

    private static string ValueText(FeatureMatrix matrix, string name)
    {
        var column = matrix.IndexOf(name);
        var value = column < 0 ? float.NaN : matrix.Columns[column].Values[0];
        return float.IsNaN(value) ? "missing"
            : matrix.Columns[column].Kind == FeatureKind.Categorical && (int)value < matrix.Columns[column].Levels.Count ? matrix.Columns[column].Levels[(int)value]
            : value.ToString("0.####", CultureInfo.InvariantCulture);
    }
}
