using Pql.Core.Workspace;

namespace Pql.Core.Ingest;

/// <summary>
/// A data file that cannot be used at all (truncated gzip, missing required column, too many rejects). It lives with Ingest,
/// the stage that reads data files; Learning throws it too for its own files (feature tables, model artifacts), which it may:
/// Ingest comes before Learning.
/// </summary>
public sealed class DataLoadException(string file, string problem, Exception? inner = null)
    : PqlInputException($"{file}: {problem}", inner)
{
    public string File { get; } = file;
}
