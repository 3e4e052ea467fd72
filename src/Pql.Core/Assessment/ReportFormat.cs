namespace Pql.Core.Assessment;

/// <summary>How an assessment report is written.</summary>
public enum ReportFormat
{
    /// <summary>A readable report for a terminal.</summary>
    Text,
    Markdown,
    Json,
}
