namespace Pql.Core.Demo;

/// <summary>The workspace a generator run wrote, and what is in it.</summary>
public sealed record WorldResult
{
    public required string Directory { get; init; }
    public required string ConfigPath { get; init; }
    public required string AccountsPath { get; init; }
    public required string UsersPath { get; init; }
    public required string EventsPath { get; init; }
    public required int Accounts { get; init; }
    public required int Users { get; init; }
    /// <summary>Rows in events.csv.gz, dirty ones included (header excluded).</summary>
    public required long EventRows { get; init; }
    /// <summary>Deliberately dirty rows among <see cref="EventRows"/>.</summary>
    public required long DirtyRows { get; init; }
    /// <summary>Accounts that converted (subscription_started) during the period, not counting paid signups.</summary>
    public required int Conversions { get; init; }
    /// <summary>Accounts that bought paid seats (seats_added with plan paid).</summary>
    public required int Expansions { get; init; }
    /// <summary>Accounts that stopped for good before the end.</summary>
    public required int ChurnedAccounts { get; init; }
    /// <summary>Size of events.csv.gz in bytes.</summary>
    public required long EventsBytes { get; init; }
}
