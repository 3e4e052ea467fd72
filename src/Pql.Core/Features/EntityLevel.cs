namespace Pql.Core.Features;

/// <summary>Which entity a feature is defined for.</summary>
[Flags]
public enum EntityLevel
{
    Account = 1,
    User = 2,
    Both = Account | User,
}
