using System.Globalization;
using System.Text;
using Pql.Core.Assessment;
using Pql.Core.Workspace;

namespace Pql.Cli.Terminal;

/// <summary>
/// A vertical menu: Up/Down (or k/j) move the highlight, Home/End jump, a digit jumps to that option,
/// Enter chooses, Escape cancels. The options are redrawn in place with ANSI cursor moves.
/// </summary>
internal static class ChoiceMenu
{
    private const string Esc = "\u001b[";

    /// <summary>Shows the menu and returns the chosen option's index.</summary>
    public static int Choose(ITerminal terminal, string heading, string question, IReadOnlyList<Choice> choices, int initial = 0)
    {
        ArgumentOutOfRangeException.ThrowIfZero(choices.Count);
        terminal.Write($"\n{heading}\n{question}\n{Esc}2m(Up/Down to move, Enter to choose, Esc to cancel){Esc}0m\n");
        var selected = Math.Clamp(initial, 0, choices.Count - 1);
        var drawn = Draw(terminal, choices, selected, previousLines: 0);
        while (true)
        {
            var key = terminal.ReadKey();
            var next = selected;
            switch (key.Key)
            {
                case ConsoleKey.UpArrow or ConsoleKey.K:
                    next = Math.Max(0, selected - 1);
                    break;
                case ConsoleKey.DownArrow or ConsoleKey.J:
                    next = Math.Min(choices.Count - 1, selected + 1);
                    break;
                case ConsoleKey.Home:
                    next = 0;
                    break;
                case ConsoleKey.End:
                    next = choices.Count - 1;
                    break;
                case ConsoleKey.Enter:
                    terminal.Write($"{Esc}1mChosen: {choices[selected].Label}{Esc}0m\n");
                    return selected;
                case ConsoleKey.Escape:
                    throw new PqlInputException("assessment cancelled; no report was written");
                default:
                    if (key.KeyChar is >= '1' and <= '9' && key.KeyChar - '1' < choices.Count)
                        next = key.KeyChar - '1';
                    break;
            }
            if (next != selected)
            {
                selected = next;
                drawn = Draw(terminal, choices, selected, drawn);
            }
        }
    }

    /// <summary>Writes the options (over the previous drawing when there is one); returns the number of lines written.</summary>
    private static int Draw(ITerminal terminal, IReadOnlyList<Choice> choices, int selected, int previousLines)
    {
        var sb = new StringBuilder();
        if (previousLines > 0)
            sb.Append(CultureInfo.InvariantCulture, $"{Esc}{previousLines}A");
        var width = Math.Clamp(terminal.Width - 1, 30, 100);
        var lines = 0;
        for (var i = 0; i < choices.Count; i++)
        {
            var on = i == selected;
            var first = on ? "> " : "  ";
            sb.Append('\r').Append(Esc).Append("2K");
            sb.Append(on ? Esc + "7m" : "").Append(first).Append(choices[i].Label).Append(on ? Esc + "0m" : "").Append('\n');
            lines++;
            foreach (var line in ReportText.Wrap(choices[i].Detail, width - 6))
            {
                sb.Append('\r').Append(Esc).Append("2K").Append("      ").Append(line).Append('\n');
                lines++;
            }
        }
        terminal.Write(sb.ToString());
        return lines;
    }
}
