using Microsoft.Extensions.Logging;
using Pql.Cli;
using Pql.Core.State;

namespace Pql.Core.Tests.Cli;

/// <summary>The CLI's logger provider prints the engine's lines exactly as the old callbacks did, and nothing else.</summary>
public sealed class TerminalLoggerTests
{
    private static string Render(bool verbose, bool interactive)
    {
        using var err = new StringWriter();
        var ctx = new CliContext(TextWriter.Null, err, verbose, interactive, Actor.Named("t"));
        Core.Application.Log.Progress(ctx.Log, "loading events");
        Core.Application.Log.Detail(ctx.Log, "read 10 rows");
        Core.Application.Log.Warning(ctx.Log, "as-of is long after the data");
        Core.Application.Log.GoalTrained(ctx.Log, "conversion", "v1", "gbdt", "t");   // structured: a host's, not a terminal line
        ctx.Log.LogError("unnamed error event");
        return err.ToString().ReplaceLineEndings("\n");
    }

    [Fact]
    public void Piped_output_shows_only_warnings() =>
        Assert.Equal("as-of is long after the data\n", Render(verbose: false, interactive: false));

    [Fact]
    public void An_interactive_terminal_shows_progress_lines() =>
        Assert.Equal("  .. loading events\nas-of is long after the data\n", Render(verbose: false, interactive: true));

    [Fact]
    public void Verbose_shows_detail_lines() =>
        Assert.Equal("  .. loading events\nread 10 rows\nas-of is long after the data\n", Render(verbose: true, interactive: true));

    [Fact]
    public void Progress_goes_through_the_same_writer_as_the_context_methods()
    {
        using var err = new StringWriter();
        var ctx = new CliContext(TextWriter.Null, err, verbose: true, interactive: true, Actor.Named("t"));
        ctx.Progress("a");
        Core.Application.Log.Progress(ctx.Log, "a");
        var lines = err.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(lines[0], lines[1]);
    }
}
