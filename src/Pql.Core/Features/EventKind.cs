namespace Pql.Core.Features;

/// <summary>What an event means for the account, from <c>event_kinds</c> in pql.yaml or by name pattern.</summary>
public enum EventKind
{
    /// <summary>Using the product (the default for any name no other kind claims).</summary>
    FeatureUse,

    /// <summary>Connecting another tool (<c>integration_added</c>, <c>*integration*</c>).</summary>
    Integration,

    /// <summary>Working with others (<c>user_invited</c>, <c>*invite*</c>, <c>*_shared</c>, <c>*share*</c>).</summary>
    Collaboration,

    /// <summary>Commercial lifecycle (<c>subscription*</c>, <c>seats*</c>, <c>plan*</c>, <c>billing*</c>).</summary>
    Lifecycle,
}
