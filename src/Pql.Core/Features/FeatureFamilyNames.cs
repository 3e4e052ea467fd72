namespace Pql.Core.Features;

/// <summary>Names of families as they appear in feature names (<c>family.name</c>).</summary>
public static class FeatureFamilyNames
{
    public static string Of(FeatureFamilies family) => family switch
    {
        FeatureFamilies.Activity => "activity",
        FeatureFamilies.Product => "product",
        FeatureFamilies.Kind => "kind",
        FeatureFamilies.Adoption => "adoption",
        FeatureFamilies.Synergy => "synergy",
        FeatureFamilies.Stickiness => "stickiness",
        FeatureFamilies.Integration => "integration",
        FeatureFamilies.Collaboration => "collaboration",
        FeatureFamilies.Firmographics => "firmo",
        FeatureFamilies.EventName => "event",
        FeatureFamilies.Cadence => "cadence",
        FeatureFamilies.Automation => "automation",
        FeatureFamilies.Monetization => "monetization",
        FeatureFamilies.Champion => "champion",
        FeatureFamilies.Interaction => "interaction",
        FeatureFamilies.Metric => "metric",
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "expected a single family"),
    };

    /// <summary>Every single family, in catalogue order.</summary>
    public static IReadOnlyList<FeatureFamilies> Each { get; } =
    [
        FeatureFamilies.Activity, FeatureFamilies.Product, FeatureFamilies.Kind, FeatureFamilies.Adoption, FeatureFamilies.Synergy,
        FeatureFamilies.Stickiness, FeatureFamilies.Integration, FeatureFamilies.Collaboration, FeatureFamilies.Firmographics, FeatureFamilies.EventName,
        FeatureFamilies.Cadence, FeatureFamilies.Automation, FeatureFamilies.Monetization, FeatureFamilies.Champion, FeatureFamilies.Interaction,
        FeatureFamilies.Metric,
    ];

    /// <summary>Parses a comma-separated list of family names (<c>activity,adoption</c>) or <c>all</c>.</summary>
    public static FeatureFamilies Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = FeatureFamilies.None;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part == "all")
            {
                result |= FeatureFamilies.All;
                continue;
            }
            var match = Each.Where(f => Of(f) == part).ToArray();
            if (match.Length == 0)
                throw new Workspace.PqlInputException($"--families: '{part}' is not a feature family; use all or any of: {string.Join(", ", Each.Select(Of))}");
            result |= match[0];
        }
        return result == FeatureFamilies.None ? FeatureFamilies.All : result;
    }
}
