namespace Pql.App.Tests;

/// <summary>--as-of is strict ISO 8601 and checked against the events' range; a header-only events file is one clear line.</summary>
public sealed class AsOfAndEmptyDataTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-asof-").FullName;

    public AsOfAndEmptyDataTests()
    {
        File.WriteAllText(Path.Combine(_dir, "pql.yaml"), """
            data:
              accounts: accounts.csv
              users: users.csv
              events: events.csv
            goals:
              active:
                achieved_when: { event: login }
                horizon: 30d
            """);
        File.WriteAllText(Path.Combine(_dir, "accounts.csv"), "account_id,created_at\na,2026-01-01\n");
        File.WriteAllText(Path.Combine(_dir, "users.csv"), "user_id,account_id,created_at\nu,a,2026-01-01\n");
        File.WriteAllText(Path.Combine(_dir, "events.csv"), "timestamp,event,user_id\n2026-02-01,login,u\n2026-03-01,login,u\n");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int Code, string[] Errors) Run(params string[] args)
    {
        var error = new StringWriter();
        var code = Pql.Cli.CliApp.Run([.. args, "--workspace", _dir], new StringWriter(), error);
        return (code, error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("Oct 1 2026")]
    [InlineData("10/01/2026")]
    [InlineData("2026-13-01")]
    public void Train_with_a_non_iso_as_of_exits_2_naming_the_value_and_the_format(string value)
    {
        var (code, errors) = Run("train", "--as-of", value);

        Assert.Equal(2, code);
        var line = Assert.Single(errors);
        Assert.Contains($"'{value}'", line, StringComparison.Ordinal);
        Assert.Contains("expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM]", line, StringComparison.Ordinal);
    }

    [Fact]
    public void An_as_of_before_the_first_event_exits_2_with_the_events_range()
    {
        var (code, errors) = Run("train", "--as-of", "2025-06-01");

        Assert.Equal(2, code);
        var line = Assert.Single(errors);
        Assert.Contains("--as-of 2025-06-01", line, StringComparison.Ordinal);
        Assert.Contains("before the first event (2026-02-01", line, StringComparison.Ordinal);
    }

    [Fact]
    public void An_as_of_long_after_the_last_event_warns_in_one_line()
    {
        var (_, errors) = Run("train", "--as-of", "2028-03-01");

        Assert.Contains(errors, l => l.StartsWith("warning: --as-of 2028-03-01", StringComparison.Ordinal) && l.Contains("after the last event (2026-03-01", StringComparison.Ordinal));
    }

    [Fact]
    public void An_as_of_a_day_after_the_last_event_is_silent()
    {
        var (_, errors) = Run("train", "--as-of", "2026-03-02");

        Assert.DoesNotContain(errors, l => l.StartsWith("warning: --as-of", StringComparison.Ordinal));
    }

    [Fact]
    public void A_header_only_events_file_fails_validate_with_one_line_instead_of_a_1970_range()
    {
        File.WriteAllText(Path.Combine(_dir, "events.csv"), "timestamp,event,user_id\n");

        var (code, errors) = Run("validate");

        Assert.Equal(2, code);
        var line = Assert.Single(errors);
        Assert.Contains("events.csv: no event rows (only a header)", line, StringComparison.Ordinal);
        Assert.DoesNotContain("1970", line, StringComparison.Ordinal);
    }
}
