namespace Pql.App.Tests;

public sealed class CliTests
{
    [Fact]
    public void Validate_missing_workspace_exits_2_with_one_line()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var code = Pql.Cli.CliApp.Run(["validate", "--workspace", "/nonexistent/ws"], output, error);

        Assert.Equal(2, code);
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains("/nonexistent/ws", lines[0]);
    }

    [Theory]
    [InlineData("train")]
    [InlineData("score")]
    [InlineData("demo")]
    [InlineData("validate")]
    [InlineData("bench")]
    public void Help_of_every_command_has_an_example(string command)
    {
        var output = new StringWriter();

        var code = Pql.Cli.CliApp.Run([command, "--help"], output, new StringWriter());

        Assert.Equal(0, code);
        Assert.Contains("Example: pql " + command, output.ToString());
    }

    [Fact]
    public void Validate_with_errors_in_several_sections_prints_each_with_file_line_and_key_and_exits_2()
    {
        var dir = Directory.CreateTempSubdirectory("pql-cli-validate-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "accounts.csv"), "account_id,created_at\n");
            File.WriteAllText(Path.Combine(dir, "events.csv"), "timestamp,event,account_id\n");
            File.WriteAllText(Path.Combine(dir, "pql.yaml"), """
                data: { accounts: accounts.csv, events: events.csv }
                goals:
                  conversion: { achieved_when: { event: subscription_started }, horizon: 30d }
                tiers:
                  default: { high_touch: high }
                engine: { kind: oracle }
                """);
            var error = new StringWriter();

            var code = Pql.Cli.CliApp.Run(["validate", "--workspace", dir], new StringWriter(), error);

            Assert.Equal(2, code);
            var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(["error: pql.yaml:5 key 'tiers.default.high_touch'", "error: pql.yaml:6 key 'engine.kind'", "2 error(s) in pql.yaml"],
                lines.Select(l => l.Split(':').Length > 3 ? string.Join(':', l.Split(':')[..3]) : l));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
