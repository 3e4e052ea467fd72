using System.Globalization;
using Pql.Core.Features;

namespace Pql.Core.Scoring;

/// <summary>
/// Drivers in a rep's words: a category by its name instead of its code, the contribution in probability points
/// (<see cref="ProbabilityPoints"/>), and one sentence built from the feature's own description.
/// </summary>
public static class DriverText
{
    /// <summary>The level name of a categorical value, or null for numeric columns and missing codes.</summary>
    public static string? LevelName(FeatureColumn column, float value)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (column.Kind != FeatureKind.Categorical || float.IsNaN(value))
            return null;
        var code = (int)value;
        return code >= 0 && code < column.Levels.Count ? column.Levels[code] : null;
    }

    /// <summary>"Days with use of product docs in the last 30 days: 12 (+4.1 points)".</summary>
    public static string Sentence(FeatureColumn? column, string feature, double value, string? level, double points)
    {
        var what = column is { Description.Length: > 0 } ? column.Description.TrimEnd('.').Replace(" (categorical)", "", StringComparison.Ordinal) : feature;
        var shown = level ?? (double.IsFinite(value) ? FormatValue(value) : "none");
        var sign = points >= 0 ? "+" : "-";
        return string.Create(CultureInfo.InvariantCulture, $"{what}: {shown} ({sign}{Math.Abs(points) * 100:0.0} points)");
    }

    private static string FormatValue(double v) =>
        Math.Abs(v - Math.Round(v)) < 1e-6 ? Math.Round(v).ToString("0", CultureInfo.InvariantCulture) : v.ToString("0.##", CultureInfo.InvariantCulture);
}
