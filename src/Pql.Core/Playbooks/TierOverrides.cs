using System.Globalization;
using Pql.Core.Scoring;
using Pql.Core.State;

namespace Pql.Core.Playbooks;

/// <summary>
/// Applies people's overrides to scored rows, visibly: an overridden row keeps its score, takes the override's tier and carries
/// <c>override</c> (<c>tier high_touch</c> or <c>suppressed</c>), <c>override_reason</c>, <c>override_by</c>, <c>override_until</c> and
/// <c>model_tier</c> (the tier the model gave) among its attributes, which is how scores output, the API and the web app show it as an
/// override. A suppressed row keeps the model's tier; its triggers are logged with <c>"suppressed": true</c> and queue no action.
/// </summary>
public static class TierOverrides
{
    public const string Override = "override";
    public const string ModelTier = "model_tier";
    public const string Suppressed = "suppressed";

    /// <summary>The row as the model scored it (an override applied earlier removed), then with <paramref name="active"/> applied when given.</summary>
    public static EntityScore Apply(EntityScore row, EntityOverride? active)
    {
        ArgumentNullException.ThrowIfNull(row);
        var model = ModelRow(row);
        if (active is null)
            return model;
        var attributes = new Dictionary<string, string>(model.Attributes, StringComparer.Ordinal)
        {
            [Override] = active.Effect,
            ["override_reason"] = active.Reason,
            ["override_by"] = active.ApprovedBy is null ? active.CreatedBy : active.CreatedBy + ", approved by " + active.ApprovedBy,
            ["override_until"] = DateTimeOffset.FromUnixTimeMilliseconds(active.ExpiresMs).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            [ModelTier] = model.Tier,
        };
        return model with { Tier = active.Tier ?? model.Tier, Attributes = attributes };
    }

    /// <summary>Every row of the run with the goal's overrides in force applied.</summary>
    public static ScoreRun Apply(ScoreRun run, IReadOnlyDictionary<string, EntityOverride> active)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(active);
        if (active.Count == 0)
            return run;
        var rows = new EntityScore[run.Rows.Count];
        for (var i = 0; i < rows.Length; i++)
            rows[i] = Apply(run.Rows[i], active.GetValueOrDefault(run.Rows[i].EntityId));
        return run with { Rows = rows };
    }

    public static bool IsSuppressed(EntityScore row) => row.Attributes.TryGetValue(Override, out var o) && o == Suppressed;

    public static bool IsOverridden(EntityScore row) => row.Attributes.ContainsKey(Override);

    private static EntityScore ModelRow(EntityScore row)
    {
        if (!IsOverridden(row))
            return row;
        var attributes = new Dictionary<string, string>(row.Attributes, StringComparer.Ordinal);
        var tier = attributes.GetValueOrDefault(ModelTier) ?? row.Tier;
        foreach (var key in new[] { Override, "override_reason", "override_by", "override_until", ModelTier })
            attributes.Remove(key);
        return row with { Tier = tier, Attributes = attributes };
    }
}
