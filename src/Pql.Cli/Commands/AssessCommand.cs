using System.CommandLine;
using Pql.Cli.Terminal;
using Pql.Core.Application;
using Pql.Core.Workspace;

namespace Pql.Cli.Commands;

/// <summary>
/// <c>pql assess</c>: the PLG maturity self-assessment, asked interactively or read from an answers file,
/// scored against the segment's benchmark and, with <c>--workspace</c>, checked against the workspace's own data.
/// </summary>
internal static class AssessCommand
{
    /// <param name="openTerminal">Opens the terminal for interactive questions, or returns null when there is none
    /// (stdin is not a console). Defaults to <see cref="ConsoleTerminal.TryOpen"/>; tests pass a scripted terminal.</param>
    public static Command Create(Func<ITerminal?>? openTerminal = null)
    {
        openTerminal ??= ConsoleTerminal.TryOpen;
        var answers = new Option<string?>("--answers", "-a")
        {
            Description = "Answers file (YAML, or JSON when it ends in .json) for running without questions: segment + levels per dimension.",
        };
        var segment = new Option<string?>("--segment", "-s")
        {
            Description = "Segment to compare with: " + AssessService.SegmentKeys + ". Overrides the answers file; asked when interactive.",
        };
        var workspace = new Option<string?>("--workspace", "-w")
        {
            Description = "A workspace whose data is measured and set beside the answers (suggested level per dimension).",
        };
        var format = new Option<string?>("--format", "-f")
        {
            Description = "Report format: text (default), markdown or json.",
        };
        var output = new Option<string?>("--out", "-o")
        {
            Description = "Write the report to this file instead of stdout.",
        };
        var command = new Command("assess",
            "Assess the maturity of your product-led growth motion on five dimensions, against your segment's benchmark.\n" +
            "Example: pql assess --answers answers.yaml --segment pure_plg --workspace examples/sparkify-dend-logs --format markdown")
        {
            answers, segment, workspace, format, output,
        };
        CliApp.SetHandler(command, (parse, ctx) =>
        {
            var answersPath = parse.GetValue(answers);
            ITerminal? terminal = null;
            if (answersPath is null)
            {
                terminal = openTerminal() ?? throw new PqlInputException(
                    "stdin is not a terminal, so questions cannot be asked: pass --answers FILE.yaml (or .json) to assess from a script");
            }
            var result = AssessService.Assess(new AssessRequest
            {
                AnswersFile = answersPath,
                Segment = parse.GetValue(segment),
                Format = parse.GetValue(format),
                Workspace = parse.GetValue(workspace),
                Ask = terminal is null ? null : chosen => AssessmentPrompt.Run(terminal, chosen),
                Log = ctx.Log,
            });
            if (parse.GetValue(output) is { } outPath)
            {
                File.WriteAllText(outPath, result.Text);
                ctx.Out.WriteLine($"{result.Summary}; report written to {outPath}");
            }
            else
            {
                ctx.Out.Write(result.Text);
            }
            return 0;
        });
        return command;
    }
}
