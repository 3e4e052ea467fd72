namespace Pql.Core.Workspace;

/// <summary>What a goal predicts for: an account or a user.</summary>
public enum EntityKind
{
    Account,
    User,
}

/// <summary>The condition that marks a goal as achieved (the contract's goal kinds).</summary>
public abstract record GoalCondition
{
    /// <summary>Event names the condition reads (so ingestion keeps the properties it filters on).</summary>
    public abstract IEnumerable<string> PropertyKeys();
}

/// <summary><c>event: X</c> with an optional <c>where</c> equality filter on properties; achieved at the first match.</summary>
public sealed record EventCondition(string Event, IReadOnlyDictionary<string, string> Where) : GoalCondition
{
    public override IEnumerable<string> PropertyKeys() => Where.Keys;
}

/// <summary><c>inactive_for: P</c>: achieved when the entity goes P without any event.</summary>
public sealed record InactiveCondition(long PeriodMs) : GoalCondition
{
    public override IEnumerable<string> PropertyKeys() => [];
}

/// <summary>One <c>{ event: X, at_least: N }</c> term of an <c>all</c>/<c>any</c> goal.</summary>
public sealed record CountTerm(string Event, int AtLeast, IReadOnlyDictionary<string, string> Where);

/// <summary><c>all:</c> (every term) or <c>any:</c> (at least one) over event counts since the entity was created.</summary>
public sealed record CountCondition(bool RequireAll, IReadOnlyList<CountTerm> Terms) : GoalCondition
{
    public override IEnumerable<string> PropertyKeys()
    {
        foreach (var t in Terms)
            foreach (var k in t.Where.Keys)
                yield return k;
    }
}

/// <summary><c>attribute: column</c>: a timestamp column of accounts (or users); achieved at that time.</summary>
public sealed record AttributeCondition(string Column) : GoalCondition
{
    public override IEnumerable<string> PropertyKeys() => [];
}

/// <summary>
/// <c>label_column: C, positive: V</c>: a snapshot table (accounts or users) whose column C holds the outcome; rows
/// whose value equals V achieved it. <see cref="DateColumn"/>, when given, dates each row (training validates on the
/// latest rows); without it the table has no time and training uses a seeded stratified split.
/// </summary>
public sealed record LabelColumnCondition(string Column, string Positive, string? DateColumn) : GoalCondition
{
    public override IEnumerable<string> PropertyKeys() => [];
}

/// <summary>A lifecycle goal declared in <c>pql.yaml</c>.</summary>
public sealed record GoalDefinition(string Name, EntityKind Entity, GoalCondition Condition, long HorizonMs, int Line)
{
    /// <summary>
    /// <c>recurring: true</c> (event goals): the entity stays eligible after each achievement and a cutoff is labelled
    /// by the next occurrence after it (a second expansion, every won opportunity).
    /// </summary>
    public bool Recurring { get; init; }

    /// <summary><c>ends_when:</c> an event after which the entity is no longer eligible (an opportunity closed-lost).</summary>
    public EventCondition? EndsWhen { get; init; }

    public string Kind => Condition switch
    {
        EventCondition => "event",
        InactiveCondition => "inactive_for",
        CountCondition c => c.RequireAll ? "all" : "any",
        AttributeCondition => "attribute",
        LabelColumnCondition => "label_column",
        _ => "unknown",
    };
}
