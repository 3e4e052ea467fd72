namespace Pql.Core.Events;

/// <summary>What an attribute column holds, inferred from its values.</summary>
public enum AttributeKind
{
    /// <summary>Every non-empty value is a number.</summary>
    Numeric,

    /// <summary>Every non-empty value is an ISO 8601 timestamp or date (usable by <c>attribute</c> goals).</summary>
    Timestamp,

    /// <summary>Anything else: a category (plan, segment, industry, true/false).</summary>
    Category,
}

/// <summary>One attribute column of accounts or users, typed after the load.</summary>
public sealed class AttributeColumn
{
    public required string Name { get; init; }
    public required AttributeKind Kind { get; init; }
    /// <summary>Numeric values (NaN = missing) when <see cref="Kind"/> is Numeric.</summary>
    public double[] Numbers { get; init; } = [];
    /// <summary>Unix milliseconds (long.MinValue = missing) when Kind is Timestamp.</summary>
    public long[] Times { get; init; } = [];
    /// <summary>Category codes (-1 = missing) when Kind is Category.</summary>
    public int[] Codes { get; init; } = [];
    /// <summary>Category levels by code.</summary>
    public StringPool Levels { get; init; } = new();

    public const long MissingTime = long.MinValue;
}
