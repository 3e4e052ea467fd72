using System.CommandLine;
using Pql.Core.Events;
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

    /// <summary>
    /// Parses an --as-of value to Unix milliseconds, or null when absent. Strict ISO 8601 (the events' own parser):
    /// culture-dependent forms such as 10/01/2026 or "Oct 1 2026" are refused, since 10/01 means two dates.
    /// </summary>
    public static long? ParseAsOf(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        if (Timestamps.TryParseIso(text, out var t))
            return t;
        throw new PqlInputException($"--as-of: '{text}' is not an ISO 8601 timestamp; expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM], e.g. 2026-03-01 or 2026-03-01T00:00:00Z");
    }

    /// <summary>
    /// Parses an --as-of value and checks it against the loaded events: exit 2 before the first event (or with no
    /// events), a warning line on stderr long after the last. Null when absent (the latest event is used).
    /// </summary>
    public static long? ParseAsOf(string? text, EventStore store, CliContext ctx)
    {
        var asOf = ParseAsOf(text);
        if (asOf is not { } t)
        {
            if (store.EventCount == 0)
                AsOfRange.Check(store, 0); // throws: nothing to train or score
            return null;
        }
        if (AsOfRange.Check(store, t) is { } warning)
            ctx.Err.WriteLine(warning);
        return asOf;
    }
}
