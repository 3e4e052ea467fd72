using System.CommandLine;
using Pql.Cli.Commands;
using Pql.Core.State;
using Pql.Core.Workspace;

namespace Pql.Cli;

/// <summary>Builds the <c>pql</c> command tree and turns exceptions into one-line errors and exit codes.</summary>
internal static class CliApp
{
    public static readonly Option<bool> VerboseOption = new("--verbose", "-v")
    {
        Description = "Show more detail, and the stack trace of an error.",
        Recursive = true,
    };

    public static readonly Option<string?> ByOption = new("--by")
    {
        Description = "Who makes the state changes this command causes, as recorded in the audit trail (default: the operating-system user).",
        Recursive = true,
    };

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = BuildRoot(output, error);
        var parse = root.Parse(args);
        return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
    }

    public static RootCommand BuildRoot(TextWriter output, TextWriter error)
    {
        var root = new RootCommand(
            "pql - product-qualified lead engine: ingest product usage, build point-in-time features, " +
            "train a model per lifecycle goal, score and explain accounts and users, and act on the scores.");
        root.Options.Add(VerboseOption);
        root.Options.Add(ByOption);
        foreach (var command in Commands())
            root.Subcommands.Add(command);
        _ = output;
        _ = error;
        return root;
    }

    /// <summary>Every command; each lives in its own file under Commands/.</summary>
    private static IEnumerable<Command> Commands() =>
    [
        DemoCommand.Create(),
        TrainCommand.Create(),
        BacktestCommand.Create(),
        ScoreCommand.Create(),
        ExplainCommand.Create(),
        ValidateCommand.Create(),
        ExportCommand.Create(),
        LearnCommand.Create(),
        AssessCommand.Create(),
        GenerateCommand.Create(),
        FeaturesCommand.Create(),
        new Command("bench", "Benchmarks that print the issue's figures, side by side with the reference peer where one exists.\n" +
            "Example: pql bench features --events 10000000 | pql bench learn --sizes 100k | pql bench ingest --events 10000000 | pql bench scale --events 10000000")
        {
            BenchFeaturesCommand.Create(),
            BenchLearnCommand.Create(),
            BenchIngestCommand.Create(),
            BenchServeCommand.Create(),
            BenchScaleCommand.Create(),
        },
        DiffCommand.Create(),
        OutboxCommand.Create(),
        ActCommand.Create(),
        ServeCommand.Create(),
        KeysCommand.Create(),
        AuditCommand.Create(),
        ModelsCommand.Create(),
        DriftCommand.Create(),
        OverrideCommand.Create(),
        FeedbackCommand.Create(),
        ReportCommand.Create(),
    ];

    /// <summary>Wraps a command body: input errors exit 2 with one line, failures exit 1; stack traces only with --verbose.</summary>
    public static void SetHandler(Command command, Func<ParseResult, CliContext, int> body) =>
        SetHandler(command, (parse, ctx, _) => Task.FromResult(body(parse, ctx)));

    /// <summary>The same for a body that calls an asynchronous application service.</summary>
    public static void SetHandler(Command command, Func<ParseResult, CliContext, CancellationToken, Task<int>> body)
    {
        command.SetAction(async (parse, cancellationToken) =>
        {
            var config = parse.InvocationConfiguration;
            var verbose = parse.GetValue(VerboseOption);
            var interactive = !Console.IsErrorRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))
                              && ReferenceEquals(config.Error, Console.Error);
            try
            {
                var ctx = new CliContext(config.Output, config.Error, verbose, interactive, Actor.FromOption(parse.GetValue(ByOption)));
                return await body(parse, ctx, cancellationToken).ConfigureAwait(false);
            }
            catch (PqlInputException ex)
            {
                await config.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
                if (verbose)
                    await config.Error.WriteLineAsync(ex.ToString()).ConfigureAwait(false);
                return 2;
            }
#pragma warning disable CA1031 // The CLI boundary: any failure becomes one line and exit 1, the stack trace only with --verbose.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                await config.Error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
                if (verbose)
                    await config.Error.WriteLineAsync(ex.ToString()).ConfigureAwait(false);
                return 1;
            }
        });
    }
}
