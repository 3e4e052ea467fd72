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
}
