using System.Text;
using System.Text.RegularExpressions;
using Pql.Cli.Terminal;

namespace Pql.App.Tests.Assessment;

/// <summary>A terminal that plays back a script of key presses and records everything written to it.</summary>
internal sealed partial class ScriptedTerminal(params ConsoleKeyInfo[] keys) : ITerminal
{
    private readonly Queue<ConsoleKeyInfo> _keys = new(keys);
    private readonly StringBuilder _written = new();

    public int Width => 80;

    public int KeysLeft => _keys.Count;

    /// <summary>What was written, with ANSI control sequences removed.</summary>
    public string Plain => Ansi().Replace(_written.ToString(), "");

    public string Raw => _written.ToString();

    public ConsoleKeyInfo ReadKey() =>
        _keys.TryDequeue(out var key) ? key : throw new InvalidOperationException("the script ran out of keys");

    public void Write(string text) => _written.Append(text);

    public static ConsoleKeyInfo Up => Key(ConsoleKey.UpArrow);
    public static ConsoleKeyInfo Down => Key(ConsoleKey.DownArrow);
    public static ConsoleKeyInfo Enter => Key(ConsoleKey.Enter, '\r');
    public static ConsoleKeyInfo Home => Key(ConsoleKey.Home);
    public static ConsoleKeyInfo End => Key(ConsoleKey.End);
    public static ConsoleKeyInfo Escape => Key(ConsoleKey.Escape, '\u001b');

    public static ConsoleKeyInfo Char(char c) => new(c, c is >= '0' and <= '9' ? ConsoleKey.D0 + (c - '0') : ConsoleKey.A + (char.ToUpperInvariant(c) - 'A'), false, false, false);

    private static ConsoleKeyInfo Key(ConsoleKey key, char c = '\0') => new(c, key, false, false, false);

    [GeneratedRegex("\u001b\\[[0-9;]*[A-Za-z]")]
    private static partial Regex Ansi();
}
