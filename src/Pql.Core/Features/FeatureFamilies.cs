namespace Pql.Core.Features;

/// <summary>The feature families; combine flags to restrict a build (e.g. <see cref="Activity"/> alone for a baseline).</summary>
[Flags]
public enum FeatureFamilies
{
    None = 0,
    /// <summary>Events, active days and active users in windows; recency; trend; per-user roll-ups.</summary>
    Activity = 1,
    /// <summary>Per product: counts, active days, active users, recency.</summary>
    Product = 2,
    /// <summary>Per event kind (feature use, integration, collaboration, lifecycle): counts and active days.</summary>
    Kind = 4,
    /// <summary>Adoption sequence: first products, their order, time between adoptions.</summary>
    Adoption = 8,
    /// <summary>Weeks in which product pairs are used together; share of multi-product weeks.</summary>
    Synergy = 16,
    /// <summary>Streaks of multi-product weeks, recent multi-product share, return rate.</summary>
    Stickiness = 32,
    /// <summary>Integration depth: distinct integrations, by kind, time since the first.</summary>
    Integration = 64,
    /// <summary>Invites, shares, creators, workspace growth.</summary>
    Collaboration = 128,
    /// <summary>Account (and user) attributes and age.</summary>
    Firmographics = 256,
    All = Activity | Product | Kind | Adoption | Synergy | Stickiness | Integration | Collaboration | Firmographics,
}

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
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "expected a single family"),
    };

    /// <summary>Every single family, in catalogue order.</summary>
    public static IReadOnlyList<FeatureFamilies> Each { get; } =
    [
        FeatureFamilies.Activity, FeatureFamilies.Product, FeatureFamilies.Kind, FeatureFamilies.Adoption, FeatureFamilies.Synergy,
        FeatureFamilies.Stickiness, FeatureFamilies.Integration, FeatureFamilies.Collaboration, FeatureFamilies.Firmographics,
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
