using Pql.Core.Demo;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Demo;

public sealed class WorldOptionsTests
{
    [Fact]
    public void Validate_defaults_pass_and_describe_the_demo_size()
    {
        var options = new WorldOptions();

        options.Validate();

        Assert.Equal((2_000, 180, 0.02), (options.Accounts, options.Days, options.DirtyShare));
        Assert.Equal(180 * 86_400_000L, options.EndMs - options.StartMs);
    }

    [Theory]
    [InlineData(0, 180, 0.02, "out", "accounts")]
    [InlineData(100, 3, 0.02, "out", "days")]
    [InlineData(100, 180, 0.9, "out", "dirty")]
    [InlineData(100, 180, -0.1, "out", "dirty")]
    [InlineData(100, 180, 0.02, " ", "out")]
    public void Validate_bad_option_names_it(int accounts, int days, double dirty, string output, string named)
    {
        var options = new WorldOptions { Accounts = accounts, Days = days, DirtyShare = dirty, OutputDirectory = output };

        var ex = Assert.Throws<PqlInputException>(options.Validate);

        Assert.StartsWith("--" + named + ":", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_period_before_1971_is_rejected()
    {
        var options = new WorldOptions { End = new DateOnly(1971, 3, 1), Days = 180 };

        var ex = Assert.Throws<PqlInputException>(options.Validate);

        Assert.StartsWith("--end:", ex.Message, StringComparison.Ordinal);
    }
}
