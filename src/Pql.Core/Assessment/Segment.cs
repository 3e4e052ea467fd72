namespace Pql.Core.Assessment;

/// <summary>The go-to-market model a team compares itself with.</summary>
public enum Segment
{
    PurePlg,
    PlgWithSalesAssist,
    SalesLedWithFreemium,
    DeveloperTools,
}
