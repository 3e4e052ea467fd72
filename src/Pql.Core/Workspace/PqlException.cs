namespace Pql.Core.Workspace;

/// <summary>
/// An error in the user's input (config or data) that the CLI reports as one line with exit code 2.
/// The message always names the file, and the line and key or field when they are known.
/// </summary>
public class PqlInputException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A <c>pql.yaml</c> problem: names the file, line and key.</summary>
public sealed class ConfigException(string file, int line, string key, string problem)
    : PqlInputException($"{Path.GetFileName(file)}:{line} key '{key}': {problem}")
{
    public string File { get; } = file;
    public int Line { get; } = line;
    public string Key { get; } = key;
    /// <summary>The problem without the file, line and key.</summary>
    public string Problem { get; } = problem;
}
