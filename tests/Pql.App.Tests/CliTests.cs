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
}
