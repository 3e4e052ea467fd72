using System.CommandLine;
using System.Text.Json;
using Pql.Cli;
using Pql.Cli.Commands;
using Pql.Cli.Terminal;
using static Pql.App.Tests.Assessment.ScriptedTerminal;

namespace Pql.App.Tests.Assessment;

public sealed class AssessCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-assess-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private string Answers(string pql = "1") => Write("answers.yaml", $"""
        segment: plg_sales_assist
        levels:
          data_integration: 3
          activation: 2
          usage_campaigns: 2
          pql: {pql}
          feedback_loop: 3
        """);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CliApp.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Runs <c>assess</c> with the given terminal (null: stdin is not a terminal).</summary>
    private static (int Code, string Out, string Err) RunWithTerminal(ITerminal? terminal, params string[] args)
    {
        var root = new RootCommand { AssessCommand.Create(() => terminal) };
        root.Options.Add(CliApp.VerboseOption);
        var output = new StringWriter();
        var error = new StringWriter();
        var code = root.Parse(["assess", .. args]).Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void Assess_answers_text_prints_the_readable_report()
    {
        var (code, output, error) = Run("assess", "--answers", Answers());

        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Contains("segment: Product-led with sales assist", output);
        Assert.Contains("Overall score  2.2 / 5  DEVELOPING", output);
        Assert.Contains("-0.2 vs expected", output);
        Assert.Contains("! Product-qualified leads (answers):", output);
        Assert.Contains("Next steps", output);
    }

    [Fact]
    public void Assess_answers_markdown_prints_markdown()
    {
        var (code, output, _) = Run("assess", "--answers", Answers(), "--format", "markdown");

        Assert.Equal(0, code);
        Assert.StartsWith("# PLG maturity assessment", output);
        Assert.Contains("| Product-qualified leads | 1 (ad hoc) |", output);
    }

    [Fact]
    public void Assess_answers_json_prints_parseable_json()
    {
        var (code, output, _) = Run("assess", "--answers", Answers(), "--format", "json", "--segment", "developer_tools");

        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(2.2m, doc.RootElement.GetProperty("score").GetDecimal());
        Assert.Equal("developer_tools", doc.RootElement.GetProperty("segment").GetProperty("key").GetString());
        Assert.Equal("below_expected", doc.RootElement.GetProperty("segment").GetProperty("standing").GetString());
        Assert.Equal("free_users_hidden", doc.RootElement.GetProperty("red_flags")[0].GetProperty("id").GetString());
    }

    [Fact]
    public void Assess_out_writes_the_report_to_the_file_and_a_summary_to_stdout()
    {
        var outPath = Path.Combine(_dir, "report.md");

        var (code, output, _) = Run("assess", "--answers", Answers(), "--format", "md", "--out", outPath);

        Assert.Equal(0, code);
        Assert.StartsWith("# PLG maturity assessment", File.ReadAllText(outPath));
        Assert.Equal($"score 2.2 (developing), 1 red flag(s); report written to {outPath}", output.Trim());
    }

    [Theory]
    [InlineData("7", "answers.yaml:6 key 'levels.pql': level 7 is outside 1-5")]
    [InlineData("0", "answers.yaml:6 key 'levels.pql': level 0 is outside 1-5")]
    public void Assess_bad_level_exits_2_with_one_line_naming_file_and_key(string level, string expected)
    {
        var (code, output, error) = Run("assess", "--answers", Answers(level));

        Assert.Equal(2, code);
        Assert.Equal("", output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line);
    }

    [Fact]
    public void Assess_unknown_segment_exits_2()
    {
        var (code, _, error) = Run("assess", "--answers", Answers(), "--segment", "enterprise");

        Assert.Equal(2, code);
        Assert.Contains("--segment: unknown segment 'enterprise'", error);
    }

    [Fact]
    public void Assess_bad_format_exits_2()
    {
        var (code, _, error) = Run("assess", "--answers", Answers(), "--format", "pdf");

        Assert.Equal(2, code);
        Assert.Contains("--format: 'pdf'", error);
    }

    [Fact]
    public void Assess_without_answers_and_without_terminal_exits_2_saying_what_to_pass()
    {
        var (code, output, error) = RunWithTerminal(null);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("stdin is not a terminal", line);
        Assert.Contains("--answers", line);
    }

    [Fact]
    public void Assess_interactive_asks_with_arrow_keys_and_prints_the_report()
    {
        var terminal = new ScriptedTerminal(
            Down, Enter,             // segment: product-led with sales assist
            Down, Down, Enter,       // data integration 3
            Down, Enter,             // activation 2
            Down, Enter,             // campaigns 2
            Enter,                   // pql 1
            Down, Down, Enter);      // feedback 3

        var (code, output, error) = RunWithTerminal(terminal, "--format", "json");

        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Equal(0, terminal.KeysLeft);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("plg_sales_assist", doc.RootElement.GetProperty("segment").GetProperty("key").GetString());
        var levels = doc.RootElement.GetProperty("dimensions").EnumerateArray().Select(d => d.GetProperty("level").GetInt32()).ToArray();
        Assert.Equal([3, 2, 2, 1, 3], levels);
        Assert.Contains("Question 5 of 5", terminal.Plain);
    }

    [Fact]
    public void Assess_interactive_with_segment_option_skips_the_segment_question()
    {
        var terminal = new ScriptedTerminal(Enter, Enter, Enter, Enter, Enter);

        var (code, output, _) = RunWithTerminal(terminal, "--segment", "sales_led_freemium");

        Assert.Equal(0, code);
        Assert.Contains("Overall score  1.0 / 5  CRITICAL", output);
        Assert.Contains("alarm zone", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Which go-to-market model", terminal.Plain);
    }
}
