using System.Text;
using System.Text.Json;

namespace Pql.Core.Assessment;

/// <summary>The assessment as JSON with snake_case keys; unknown evidence is null, never zero.</summary>
internal static class JsonReportRenderer
{
    public static string Render(AssessmentReport r)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartObject("segment");
            w.WriteString("key", r.Segment.Key);
            w.WriteString("title", r.Segment.Title);
            w.WriteNumber("expected", r.Segment.Expected);
            w.WriteNumber("good", r.Segment.Good);
            w.WriteNumber("alarm", r.Segment.Alarm);
            w.WriteString("standing", Snake(r.Standing.ToString()));
            w.WriteNumber("delta_vs_expected", r.Score - r.Segment.Expected);
            w.WriteEndObject();

            w.WriteNumber("mean", r.Mean);
            w.WriteNumber("score", r.Score);
            w.WriteStartObject("band");
            w.WriteString("key", r.Band.Key);
            w.WriteString("title", r.Band.Title);
            w.WriteNumber("min", r.Band.Min);
            w.WriteNumber("max", r.Band.Max);
            w.WriteString("next_step", r.Band.NextStep);
            w.WriteEndObject();

            w.WriteStartArray("dimensions");
            foreach (var d in r.Dimensions)
            {
                w.WriteStartObject();
                w.WriteString("key", d.Rubric.Key);
                w.WriteString("title", d.Rubric.Title);
                w.WriteNumber("level", d.Level);
                w.WriteString("level_name", d.LevelName);
                w.WriteString("description", d.Description);
                if (d.Suggestion is { } s)
                {
                    w.WriteStartObject("suggested");
                    w.WriteNumber("level", s.Level);
                    w.WriteString("reason", s.Reason);
                    w.WriteEndObject();
                }
                else
                {
                    w.WriteNull("suggested");
                }
                w.WriteString("warning", d.Warning);
                w.WriteEndObject();
            }
            w.WriteEndArray();

            w.WriteStartArray("red_flags");
            foreach (var f in r.RedFlags)
            {
                w.WriteStartObject();
                w.WriteString("id", f.Id);
                w.WriteString("dimension", Rubric.Of(f.Dimension).Key);
                w.WriteString("source", Snake(f.Source.ToString()));
                w.WriteString("message", f.Message);
                w.WriteEndObject();
            }
            w.WriteEndArray();

            w.WriteStartArray("next_steps");
            foreach (var step in r.NextSteps)
                w.WriteStringValue(step);
            w.WriteEndArray();

            if (r.Evidence is { } e)
                WriteEvidence(w, e);
            else
                w.WriteNull("evidence");
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteEvidence(Utf8JsonWriter w, AssessmentEvidence e)
    {
        w.WriteStartObject("evidence");
        w.WriteString("activation_goal", e.ActivationGoal);
        Number(w, "activation_window_hours", e.ActivationWindowHours);
        Number(w, "activation_cohort", e.ActivationCohort);
        Number(w, "activated", e.ActivatedCount);
        Number(w, "activation_rate", e.ActivationRate);
        Number(w, "median_hours_to_activation", e.MedianHoursToActivation);
        Number(w, "event_count", e.EventCount);
        Number(w, "distinct_event_names", e.DistinctEventNames);
        Number(w, "products_tracked", e.ProductsTracked);
        Number(w, "triggers_configured", e.TriggersConfigured);
        Number(w, "playbooks_configured", e.PlaybooksConfigured);
        if (e.TiersConfigured is { } tiers)
            w.WriteBoolean("tiers_configured", tiers);
        else
            w.WriteNull("tiers_configured");
        Number(w, "latency_median_ms", e.LatencyMedianMs);
        Number(w, "latency_p95_ms", e.LatencyP95Ms);
        if (e.Model is { } m)
        {
            w.WriteStartObject("model");
            w.WriteString("goal", m.Goal);
            w.WriteBoolean("has_model", m.HasModel);
            w.WriteBoolean("tracks_conversion", m.TracksConversion);
            Number(w, "lift", m.Lift);
            Number(w, "held_out_lift", m.HeldOutLift);
            Number(w, "high_tier_conversion_share", m.HighTierConversionShare);
            Number(w, "conversions", m.Conversions);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("model");
        }
        w.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
            w.WriteNumber(name, v);
        else
            w.WriteNull(name);
    }

    private static void Number(Utf8JsonWriter w, string name, int? value)
    {
        if (value is { } v)
            w.WriteNumber(name, v);
        else
            w.WriteNull(name);
    }

    /// <summary>PascalCase enum name to snake_case (BelowExpected -> below_expected).</summary>
    private static string Snake(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
                sb.Append('_');
            sb.Append(char.ToLowerInvariant(name[i]));
        }
        return sb.ToString();
    }
}
