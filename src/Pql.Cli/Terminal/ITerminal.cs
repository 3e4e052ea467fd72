namespace Pql.Cli.Terminal;

/// <summary>
/// The little of a console that interactive prompts need: read one key, write text.
/// <see cref="ConsoleTerminal"/> wraps System.Console; tests drive prompts with a scripted one.
/// </summary>
internal interface ITerminal
{
    /// <summary>Columns available for a line of text.</summary>
    int Width { get; }

    /// <summary>Reads one key press without echoing it.</summary>
    ConsoleKeyInfo ReadKey();

    /// <summary>Writes text as it is (it may hold ANSI cursor controls).</summary>
    void Write(string text);
}
