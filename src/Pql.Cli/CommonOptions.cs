using System.CommandLine;
using System.Globalization;
using Pql.Core.Workspace;

namespace Pql.Cli;

/// <summary>Options shared by several commands, built fresh per command (an option belongs to one command).</summary>
internal static class CommonOptions
{
    public static Option<string> Workspace() => new("--workspace", "-w")
    {
        Description = "The workspace folder holding pql.yaml.",
        Required = true,
    };

    public static Option<string?> Goal(bool required) => new("--goal", "-g")
    {
        Description = "The goal's name as declared in pql.yaml.",
        Required = required,
    };

    public static Option<string?> AsOf() => new("--as-of")
    {
        Description = "Point in time (ISO 8601). Defaults to the latest event timestamp.",
    };

    /// <summary>Parses an --as-of value to Unix milliseconds, or null when absent.</summary>
    public static long? ParseAsOf(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
            return t.ToUnixTimeMilliseconds();
        throw new PqlInputException($"--as-of: '{text}' is not an ISO 8601 timestamp (e.g. 2026-03-01T00:00:00Z)");
    }
}
