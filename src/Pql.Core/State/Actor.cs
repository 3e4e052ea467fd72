namespace Pql.Core.State;

/// <summary>Where an identity comes from: the kinds of caller that change state.</summary>
public enum ActorKind
{
    /// <summary>The operating-system user running the command (the default on the CLI).</summary>
    OsUser,
    /// <summary>A name given on the CLI with <c>--by NAME</c>.</summary>
    Named,
    /// <summary>An API key of the server, by the key's name (never its secret).</summary>
    ApiKey,
    /// <summary>The engine itself (a schedule, a migration).</summary>
    System,
}

/// <summary>
/// Who made a state change. Every write to state carries one, and the store keeps it beside the change
/// (audit trail, run, model registration, connector pause). Stored as <c>kind:name</c>, e.g. <c>key:crm-sync</c>.
/// </summary>
public sealed record Actor(ActorKind Kind, string Name)
{
    public static Actor OperatingSystemUser() => new(ActorKind.OsUser, string.IsNullOrEmpty(Environment.UserName) ? "unknown" : Environment.UserName);

    public static Actor Named(string name) => new(ActorKind.Named, Require(name));

    public static Actor ApiKey(string keyName) => new(ActorKind.ApiKey, Require(keyName));

    public static Actor System(string task) => new(ActorKind.System, Require(task));

    /// <summary><c>--by NAME</c> when given, else the operating-system user.</summary>
    public static Actor FromOption(string? by) => string.IsNullOrWhiteSpace(by) ? OperatingSystemUser() : Named(by.Trim());

    public override string ToString() => $"{Prefix(Kind)}:{Name}";

    /// <summary>Reads the stored <c>kind:name</c> form back; text without a known prefix is a named actor.</summary>
    public static Actor Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0)
        {
            foreach (var kind in Enum.GetValues<ActorKind>())
            {
                if (text.AsSpan(0, colon).SequenceEqual(Prefix(kind)))
                    return new Actor(kind, text[(colon + 1)..]);
            }
        }
        return new Actor(ActorKind.Named, text);
    }

    private static string Prefix(ActorKind kind) => kind switch
    {
        ActorKind.OsUser => "os",
        ActorKind.Named => "user",
        ActorKind.ApiKey => "key",
        _ => "system",
    };

    private static string Require(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return name;
    }
}
