using System.Collections.Immutable;
using Pql.Core.Workspace;

namespace Pql.Core.Assessment;

/// <summary>The segment benchmarks (expected average / good / alarm line).</summary>
public static class Segments
{
    public static ImmutableArray<SegmentBenchmark> All { get; } =
    [
        new(Segment.PurePlg, "pure_plg", "Pure product-led", 2.8m, 3.5m, 2.0m),
        new(Segment.PlgWithSalesAssist, "plg_sales_assist", "Product-led with sales assist", 2.4m, 3.2m, 1.8m),
        new(Segment.SalesLedWithFreemium, "sales_led_freemium", "Sales-led with a free tier", 1.8m, 2.5m, 1.2m),
        new(Segment.DeveloperTools, "developer_tools", "Developer tools", 3.0m, 3.8m, 2.2m),
    ];

    public static SegmentBenchmark Of(Segment segment) => All[(int)segment];

    /// <summary>The segment with this key (case-insensitive; '-' and '_' are the same), or null.</summary>
    public static SegmentBenchmark? Find(string key)
    {
        var normal = Rubric.Normalize(key);
        foreach (var s in All)
        {
            if (s.Key == normal)
                return s;
        }
        return null;
    }

    /// <summary>The segment with this key, or a <see cref="PqlInputException"/> naming where it came from and the valid keys.</summary>
    public static SegmentBenchmark Parse(string key, string source) =>
        Find(key) ?? throw new PqlInputException($"{source}: unknown segment '{key}'; use one of: {KeyList}");

    public static string KeyList => string.Join(", ", All.Select(s => s.Key));
}
