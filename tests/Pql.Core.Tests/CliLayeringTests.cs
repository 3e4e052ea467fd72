using System.Text.RegularExpressions;

namespace Pql.Core.Tests;

/// <summary>
/// Keeps the command files thin: a file in src/Pql.Cli/Commands parses arguments, calls one Application service and renders its
/// result, so it may name Pql.Core.Application and Pql.Core.Workspace (input errors, entity kinds) and nothing else of the engine,
/// except the result and option types listed below with the reason each one is needed. A command that wires stages fails here,
/// naming the file and line.
/// </summary>
public sealed partial class CliLayeringTests
{
    /// <summary>Stages any command may name.</summary>
    private static readonly string[] s_allowed = ["Application", "Workspace"];

    /// <summary>(command file, stage) pairs a command may name besides those, and why: each one renders a type a service returns or takes.</summary>
    private static readonly Dictionary<(string File, string Stage), string> s_exceptions = new()
    {
        [("BacktestCommand.cs", "Scoring")] = "BacktestOptions, the typed options inside BacktestRequest",
        [("DiffCommand.cs", "Scoring")] = "renders the two ScoreRuns DiffService returns",
        [("DiffCommand.cs", "Playbooks")] = "renders the EntityChange rows DiffService returns",
        [("DriftCommand.cs", "Governance")] = "DriftAnalyzer.DefaultThreshold for --threshold's default, DriftRenderer to render the DriftResult DriftService returns",
        [("ExplainCommand.cs", "Events")] = "Timestamps, to print the run's as-of",
        [("FeedbackCommand.cs", "State")] = "FeedbackKinds to parse --kind into the FeedbackKind FeedbackRequest takes, and the FeedbackEntry rows FeedbackService returns",
        [("OverrideCommand.cs", "State")] = "renders the EntityOverride rows OverrideService returns",
        [("ReportCommand.cs", "Events")] = "Timestamps, to print each measured run's as-of",
        [("ScoreCommand.cs", "Playbooks")] = "TierOverrides' attribute names, to print the overridden rows of the ScoreRun ScoreService returns",
        [("OutboxCommand.cs", "State")] = "OutboxStatus, the filter OutboxRequest takes and the counts OutboxResult holds",
        [("TrainCommand.cs", "Scoring")] = "renders the GoalTrainingReports TrainService returns",
        [("ValidateCommand.cs", "Events")] = "Timestamps, to print the data's date range",
        [("ValidateCommand.cs", "Ingest")] = "renders the DataQualityReport ValidateService returns",
        [("ValidateCommand.cs", "Labels")] = "renders the LeakageWarnings ValidateService returns",
        // The three benchmark commands below belong to other pieces of work (ingest, learn and serve benchmarks) and still time the
        // stages directly; they are listed so the rule stays true for every other command. Remove a line once its command is thin.
        [("BenchIngestCommand.cs", "Ingest")] = "owned elsewhere: times the loader directly",
        [("BenchServeCommand.cs", "Ingest")] = "owned elsewhere: loads the world it serves",
        [("BenchServeCommand.cs", "State")] = "owned elsewhere: opens the state store it benchmarks",
    };

    [GeneratedRegex(@"\bPql\.Core\.([A-Za-z]+)\b")]
    private static partial Regex Reference();

    private static string CommandsDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Pql.slnx")))
            dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("no Pql.slnx above the test assembly"), "src", "Pql.Cli", "Commands");
    }

    private static IEnumerable<string> Problems(string file, string[] lines)
    {
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimStart();
            if (line.StartsWith("//", StringComparison.Ordinal))
                continue;
            foreach (Match m in Reference().Matches(line))
            {
                var stage = m.Groups[1].Value;
                if (!s_allowed.Contains(stage) && !s_exceptions.ContainsKey((file, stage)))
                    yield return $"{file}:{i + 1}: a command uses Pql.Core.{stage}; call an Application service instead (or list the exception and why)";
            }
        }
    }

    [Fact]
    public void Command_files_use_only_the_application_layer()
    {
        var problems = new List<string>();
        var seen = new HashSet<(string, string)>();
        foreach (var path in Directory.EnumerateFiles(CommandsDirectory(), "*.cs"))
        {
            var file = Path.GetFileName(path);
            var lines = File.ReadAllLines(path);
            problems.AddRange(Problems(file, lines));
            foreach (var line in lines)
            {
                foreach (Match m in Reference().Matches(line))
                    seen.Add((file, m.Groups[1].Value));
            }
        }
        // An exception no file needs any more is removed, so the list stays the truth.
        problems.AddRange(s_exceptions.Keys.Where(k => !seen.Contains(k)).Select(k => $"{k.File}: no longer uses Pql.Core.{k.Stage}; remove its exception"));
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void The_check_sees_a_command_that_wires_a_stage()
    {
        string[] file = ["using Pql.Core.Application;", "using Pql.Core.Features;", "// Pql.Core.Learning in a comment is fine", "var m = Pql.Core.Learning.ModelFitter.FitGbdt(x, y, o);"];

        var problems = Problems("ImaginaryCommand.cs", file).ToList();

        Assert.Equal(2, problems.Count);
        Assert.StartsWith("ImaginaryCommand.cs:2:", problems[0], StringComparison.Ordinal);
        Assert.StartsWith("ImaginaryCommand.cs:4:", problems[1], StringComparison.Ordinal);
        Assert.Empty(Problems("ValidateCommand.cs", ["using Pql.Core.Ingest;"]));
    }
}
