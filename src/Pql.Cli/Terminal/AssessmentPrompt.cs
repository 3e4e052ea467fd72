using System.Collections.Immutable;
using System.Globalization;
using Pql.Core.Assessment;

namespace Pql.Cli.Terminal;

/// <summary>The interactive questionnaire: the segment (unless given), then one question per dimension.</summary>
internal static class AssessmentPrompt
{
    public static AssessmentAnswers Run(ITerminal terminal, SegmentBenchmark? segment)
    {
        ArgumentNullException.ThrowIfNull(terminal);
        terminal.Write("PLG maturity assessment: pick the description closest to how your team works today.\n");
        if (segment is null)
        {
            var choices = Segments.All
                .Select(s => new Choice(s.Title, string.Create(CultureInfo.InvariantCulture,
                    $"teams like this average {s.Expected:0.0}; good is {s.Good:0.0}; under {s.Alarm:0.0} is a warning sign")))
                .ToList();
            segment = Segments.All[ChoiceMenu.Choose(terminal, "Segment", "Which go-to-market model describes your company best?", choices)];
        }
        var levels = new int[Rubric.Dimensions.Length];
        for (var i = 0; i < Rubric.Dimensions.Length; i++)
        {
            var d = Rubric.Dimensions[i];
            var choices = new List<Choice>(Rubric.MaxLevel);
            for (var level = Rubric.MinLevel; level <= Rubric.MaxLevel; level++)
                choices.Add(new Choice(string.Create(CultureInfo.InvariantCulture, $"{level} {Rubric.LevelName(level)}"), d.Describe(level)));
            var heading = string.Create(CultureInfo.InvariantCulture, $"Question {i + 1} of {Rubric.Dimensions.Length}: {d.Title}");
            levels[i] = ChoiceMenu.Choose(terminal, heading, d.Question, choices) + 1;
        }
        terminal.Write("\n");
        return new AssessmentAnswers(segment, ImmutableArray.Create(levels));
    }
}
