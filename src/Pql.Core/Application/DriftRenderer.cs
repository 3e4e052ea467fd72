using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Pql.Core.Events;
using Pql.Core.Governance;
using Pql.Core.Workspace;

namespace Pql.Core.Application;

/// <summary>Renders a <see cref="DriftReport"/> as text (terminal) or JSON (every measure, every group).</summary>
public static class DriftRenderer
{
    /// <summary>Rows of the text table per group: the drifted ones, then the largest others up to this many.</summary>
    private const int TextRows = 10;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = true,
    };

    public static string Render(DriftResult result, string format)
    {
        ArgumentNullException.ThrowIfNull(result);
        return format switch
        {
            "text" => Text(result),
            "json" => JsonSerializer.Serialize(new
            {
                result.Report.Goal,
                result.Report.Version,
                ReferenceAsOf = Timestamps.Format(result.Report.ReferenceAsOfMs),
                AsOf = Timestamps.Format(result.Report.AsOfMs),
                result.Report.Threshold,
                result.Report.SegmentAttribute,
                result.Report.Drifted,
                Groups = result.Report.Segments.Prepend(result.Report.All),
                Fired = result.Fired.Select(f => new { f.Trigger, f.Playbook, f.Reason }),
                Queued = result.Queued.Count,
            }, JsonOptions) + "\n",
            _ => throw new PqlInputException($"--format: '{format}' is not a format; use text or json"),
        };
    }

    private static string Text(DriftResult result)
    {
        var r = result.Report;
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(inv, $"goal {r.Goal}: version {r.Version}, training snapshot at {Timestamps.Format(r.ReferenceAsOfMs)}, measured at {Timestamps.Format(r.AsOfMs)}, threshold {r.Threshold:0.###}\n");
        var drifted = r.Drifted;
        sb.Append(drifted.Count == 0 ? "no drift above the threshold\n"
            : drifted.Count <= TextRows ? $"drifted ({drifted.Count}): {string.Join(", ", drifted)}\n"
            : $"drifted ({drifted.Count}): {string.Join(", ", drifted.Take(TextRows))} and {drifted.Count - TextRows} more\n");
        foreach (var g in r.Segments.Prepend(r.All))
        {
            var title = g.Segment == TrainingSnapshot.Overall ? "all entities" : $"{r.SegmentAttribute} = {g.Segment}";
            sb.Append(inv, $"\n{title}: {g.ReferenceRows:N0} at training, {g.CurrentRows:N0} now\n");
            sb.Append("  feature                                     method          distance      PSI  drifted\n");
            var rows = g.Features.OrderByDescending(f => f.Distance).ThenBy(f => f.Feature, StringComparer.Ordinal).ToList();
            var shown = rows.Where(f => f.Drifted).Concat(rows.Where(f => !f.Drifted)).Take(Math.Max(TextRows, rows.Count(f => f.Drifted)));
            foreach (var f in shown.Prepend(g.Score))
                sb.Append(inv, $"  {f.Feature,-43} {f.Method,-14} {f.Distance,9:0.0000} {f.Psi,8:0.0000}  {(f.Drifted ? "yes" : "")}\n");
            if (rows.Count > TextRows)
                sb.Append(inv, $"  ... {rows.Count - TextRows} more features below (--format json lists every one)\n");
        }
        foreach (var f in result.Fired)
            sb.Append(inv, $"\ntrigger {f.Trigger} fired: playbook {f.Playbook}: {f.Reason}\n");
        if (result.Dispatch is { } d)
            sb.Append(inv, $"outbox: {d.Delivered} delivered, {d.Retried} to retry, {d.Dead + d.Failed} failed, {d.StillPending} pending\n");
        return sb.ToString();
    }
}
