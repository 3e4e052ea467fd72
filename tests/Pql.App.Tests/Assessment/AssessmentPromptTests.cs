using Pql.Cli.Terminal;
using Pql.Core.Assessment;
using Pql.Core.Workspace;
using static Pql.App.Tests.Assessment.ScriptedTerminal;

namespace Pql.App.Tests.Assessment;

public sealed class AssessmentPromptTests
{
    [Fact]
    public void Run_arrow_keys_and_enter_choose_the_segment_and_each_level()
    {
        var terminal = new ScriptedTerminal(
            Down, Down, Down, Enter,                 // segment: 4th = developer tools
            Down, Down, Enter,                       // data integration: 3
            Down, Down, Down, Down, Down, Up, Enter, // activation: clamped at 5, back to 4
            Enter,                                   // campaigns: 1
            End, Up, Enter,                          // pql: 4
            Up, Char('5'), Home, Char('j'), Enter);  // feedback: clamped at 1, jump to 5, home, j = down: 2

        var answers = AssessmentPrompt.Run(terminal, segment: null);

        Assert.Equal(Segment.DeveloperTools, answers.Segment.Segment);
        Assert.Equal([3, 4, 1, 4, 2], answers.Levels.ToArray());
        Assert.Equal(0, terminal.KeysLeft);
    }

    [Fact]
    public void Run_shows_every_question_and_describes_every_level()
    {
        var terminal = new ScriptedTerminal(Enter, Enter, Enter, Enter, Enter);

        AssessmentPrompt.Run(terminal, Segments.Of(Segment.PurePlg));

        var shown = terminal.Plain.Replace("\r", "", StringComparison.Ordinal).Replace("\n      ", " ", StringComparison.Ordinal);
        foreach (var d in Rubric.Dimensions)
        {
            Assert.Contains(d.Question, shown);
            foreach (var description in d.Levels)
                Assert.Contains(description, shown);
        }
        Assert.DoesNotContain("Which go-to-market model", shown);
    }

    [Fact]
    public void Run_redraws_the_options_in_place_when_the_highlight_moves()
    {
        var terminal = new ScriptedTerminal(Down, Enter, Enter, Enter, Enter, Enter);

        AssessmentPrompt.Run(terminal, Segments.Of(Segment.PurePlg));

        Assert.Contains("\u001b[", terminal.Raw);
        Assert.Contains("A\r\u001b[2K", terminal.Raw);
        Assert.Contains("Chosen: 2 emerging", terminal.Plain);
    }

    [Fact]
    public void Run_escape_cancels_with_an_input_error()
    {
        var terminal = new ScriptedTerminal(Enter, Down, Escape);

        var ex = Assert.Throws<PqlInputException>(() => AssessmentPrompt.Run(terminal, segment: null));

        Assert.Contains("cancelled", ex.Message);
    }
}
