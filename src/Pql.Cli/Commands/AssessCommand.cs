using System.CommandLine;
using Pql.Cli.Terminal;
using Pql.Core.Assessment;
using Pql.Core.Events;
using Pql.Core.Ingest;
using Pql.Core.State;
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
            Description = "Segment to compare with: " + Segments.KeyList + ". Overrides the answers file; asked when interactive.",
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
            var reportFormat = AssessmentRenderer.ParseFormat(parse.GetValue(format));
            var segmentText = parse.GetValue(segment);
            var chosenSegment = string.IsNullOrWhiteSpace(segmentText) ? null : Segments.Parse(segmentText, "--segment");
            var answersPath = parse.GetValue(answers);
            ITerminal? terminal = null;
            if (answersPath is null)
            {
                terminal = openTerminal() ?? throw new PqlInputException(
                    "stdin is not a terminal, so questions cannot be asked: pass --answers FILE.yaml (or .json) to assess from a script");
            }

            // Measure the workspace first, so a bad workspace fails before anyone answers five questions.
            var evidence = parse.GetValue(workspace) is { } dir ? Measure(dir, ctx) : null;
            var filled = answersPath is not null
                ? AnswersFile.Load(answersPath, segmentText)
                : AssessmentPrompt.Run(terminal!, chosenSegment);
            var report = AssessmentScorer.Score(filled, evidence);
            var text = AssessmentRenderer.Render(report, reportFormat);

            if (parse.GetValue(output) is { } outPath)
            {
                File.WriteAllText(outPath, text);
                ctx.Out.WriteLine(FormattableString.Invariant(
                    $"score {ReportText.Score(report.Score)} ({report.Band.Title.ToLowerInvariant()}), {report.RedFlags.Length} red flag(s); report written to {outPath}"));
            }
            else
            {
                ctx.Out.Write(text);
            }
            return 0;
        });
        return command;
    }

    private static AssessmentEvidence Measure(string dir, CliContext ctx)
    {
        var config = ConfigLoader.Load(dir);
        var load = WorkspaceLoader.Load(config, new LoadOptions { Progress = ctx.Progress, WriteRejects = false });
        ctx.Detail(load.Report.Summary());
        return EvidenceCollector.Collect(load.Store, config, ReadModels(config, load.Store),
            latencyMedianMs: load.Report.LatencyMedianMs, latencyP95Ms: load.Report.LatencyP95Ms);
    }

    /// <summary>
    /// Model facts from the workspace's embedded state file. No file means no model was ever trained here; a
    /// <c>state</c> section (state kept elsewhere) leaves the facts unknown rather than guessing.
    /// </summary>
    private static ModelEvidence? ReadModels(WorkspaceConfig config, EventStore store)
    {
        if (config.State.Kind != StateKind.Sqlite)
            return null;
        var path = Path.Combine(config.StateDirectory, StateFileName);
        if (!File.Exists(path))
            return new ModelEvidence(null, HasModel: false, TracksConversion: false);
        using var state = SqliteStateStore.OpenWorkspace(config.StateDirectory);
        return ModelEvidenceReader.ReadAsync(state, store, config).GetAwaiter().GetResult();
    }

    private const string StateFileName = "state.db";
}
