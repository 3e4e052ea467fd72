using Pql.Core.Events;

namespace Pql.Core.Features;

/// <summary>A feature definition resolved against one store: slots, levels and product indices instead of names.</summary>
internal readonly record struct CompiledColumn(
    Aggregation Aggregation,
    int Slot,
    int Level,
    int Level2,
    int Parameter,
    int A,
    int B,
    double WindowDays,
    double BaselineDays,
    AttributeColumn? Attribute,
    bool OfUser);
