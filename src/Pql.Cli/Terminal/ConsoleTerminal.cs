namespace Pql.Cli.Terminal;

/// <summary>
/// The real terminal: keys from System.Console, prompts to stderr so stdout carries only the report
/// (e.g. <c>pql assess --format markdown &gt; report.md</c> still asks its questions on screen).
/// </summary>
internal sealed class ConsoleTerminal : ITerminal
{
    private ConsoleTerminal()
    {
    }

    /// <summary>A terminal when stdin is an interactive console, else null (piped or redirected input).</summary>
    public static ITerminal? TryOpen() => Console.IsInputRedirected ? null : new ConsoleTerminal();

    public int Width
    {
        get
        {
            try
            {
                return Console.IsErrorRedirected ? 80 : Math.Max(40, Console.WindowWidth);
            }
            catch (IOException)
            {
                return 80;
            }
        }
    }

    public ConsoleKeyInfo ReadKey() => Console.ReadKey(intercept: true);

    public void Write(string text)
    {
        Console.Error.Write(text);
        Console.Error.Flush();
    }
}
