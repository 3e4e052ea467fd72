using System.Globalization;
using System.Text;

namespace Pql.Core.Assessment;

/// <summary>Phrases shared by the text and Markdown reports, so both say the same thing.</summary>
internal static class ReportText
{
    public static string Score(decimal score) => score.ToString("0.0", CultureInfo.InvariantCulture);

    public static string Standing(AssessmentReport r)
    {
        var s = r.Segment;
        return r.Standing switch
        {
            BenchmarkStanding.Alarm => Invariant($"in the alarm zone: under {Score(s.Alarm)}, where {s.Title.ToLowerInvariant()} teams are at risk"),
            BenchmarkStanding.BelowExpected => Invariant($"below the segment's expected average of {Score(s.Expected)}"),
            BenchmarkStanding.OnPar => Invariant($"on par: at or above the expected {Score(s.Expected)}, short of the good mark {Score(s.Good)}"),
            _ => Invariant($"good: at or above {Score(s.Good)}, among the stronger {s.Title.ToLowerInvariant()} teams"),
        };
    }

    public static string Delta(AssessmentReport r)
    {
        var d = r.Score - r.Segment.Expected;
        return (d >= 0 ? "+" : "") + Score(d);
    }

    public static string Source(RedFlagSource source) => source == RedFlagSource.Evidence ? "data" : "answers";

    /// <summary>Evidence facts as (label, value) rows; facts the data could not tell are shown as such.</summary>
    public static List<(string Label, string Value)> EvidenceRows(AssessmentEvidence e)
    {
        var rows = new List<(string, string)>();
        if (e.ActivationGoal is null)
        {
            rows.Add(("Activation", "no activation goal in pql.yaml"));
        }
        else
        {
            var window = LevelSuggester.FormatDuration(e.ActivationWindowHours.GetValueOrDefault() * LevelSuggester.HourMs);
            rows.Add(("Activation goal", $"{e.ActivationGoal} (within {window} of sign-up)"));
            rows.Add(("Activation rate", e.ActivationRate is { } rate
                ? Invariant($"{rate * 100:0.#}% ({e.ActivatedCount} of {e.ActivationCohort} sign-ups)")
                : "not measurable: no sign-up has a full window of history"));
            rows.Add(("Median time to activation", e.MedianHoursToActivation is { } h
                ? LevelSuggester.FormatDuration(h * LevelSuggester.HourMs)
                : "n/a"));
        }
        rows.Add(("Events tracked", Invariant($"{e.EventCount ?? 0:N0} events, {e.DistinctEventNames ?? 0} distinct names, {e.ProductsTracked ?? 0} product(s)")));
        rows.Add(("Triggers / playbooks", Invariant($"{e.TriggersConfigured ?? 0} / {e.PlaybooksConfigured ?? 0}{(e.TiersConfigured == true ? ", tiers configured" : "")}")));
        rows.Add(("Event latency", e.LatencyMedianMs is { } median
            ? $"median {LevelSuggester.FormatDuration(median)}" + (e.LatencyP95Ms is { } p95 ? $", p95 {LevelSuggester.FormatDuration(p95)}" : "")
            : "unknown (events carry no received time)"));
        rows.Add(("PQL model", ModelText(e.Model)));
        return rows;
    }

    private static string ModelText(ModelEvidence? m)
    {
        if (m is null)
            return "unknown (no model state in the workspace)";
        if (!m.HasModel)
            return "none trained";
        var text = new StringBuilder(m.Goal is null ? "trained" : $"trained for '{m.Goal}'");
        text.Append(m.TracksConversion ? ", conversion tracked" : ", conversion not tracked");
        if (m.Lift is { } lift)
            text.Append(Invariant($", lift {lift:0.0}x after scoring"));
        if (m.HeldOutLift is { } heldOut)
            text.Append(Invariant($", held-out lift {heldOut:0.0}x"));
        if (m.HighTierConversionShare is { } share)
            text.Append(Invariant($", {share * 100:0.#}% of conversions from high tiers"));
        if (m.Conversions is { } n)
            text.Append(Invariant($" ({n} conversion{(n == 1 ? "" : "s")})"));
        return text.ToString();
    }

    /// <summary>Splits text into lines of at most <paramref name="width"/> characters at spaces.</summary>
    public static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear();
            }
            if (line.Length > 0)
                line.Append(' ');
            line.Append(word);
        }
        if (line.Length > 0)
            yield return line.ToString();
    }

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
