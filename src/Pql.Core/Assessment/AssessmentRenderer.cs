using Pql.Core.Workspace;

namespace Pql.Core.Assessment;

/// <summary>Renders an <see cref="AssessmentReport"/> in one of the <see cref="ReportFormat"/>s.</summary>
public static class AssessmentRenderer
{
    public static string Render(AssessmentReport report, ReportFormat format)
    {
        ArgumentNullException.ThrowIfNull(report);
        return format switch
        {
            ReportFormat.Markdown => MarkdownReportRenderer.Render(report),
            ReportFormat.Json => JsonReportRenderer.Render(report),
            _ => TextReportRenderer.Render(report),
        };
    }

    /// <summary>Parses <c>text</c>, <c>markdown</c> (or <c>md</c>) or <c>json</c>.</summary>
    public static ReportFormat ParseFormat(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "text" => ReportFormat.Text,
        "markdown" or "md" => ReportFormat.Markdown,
        "json" => ReportFormat.Json,
        _ => throw new PqlInputException($"--format: '{text}' is not a format; use text, markdown or json"),
    };
}
