using Pql.Core.Workspace;

namespace Pql.Core.Tests.Workspace;

/// <summary>The <c>training</c> section's flags: defaults, explicit values, and one clear line for a bad value.</summary>
public sealed class TrainingConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-training-").FullName;

    public TrainingConfigTests()
    {
        File.WriteAllText(Path.Combine(_dir, "accounts.csv"), "account_id,created_at\n");
        File.WriteAllText(Path.Combine(_dir, "users.csv"), "user_id,account_id,created_at\n");
        File.WriteAllText(Path.Combine(_dir, "events.csv"), "timestamp,event,user_id\n");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private TrainingConfig Parse(string training) => ConfigLoader.Parse(_dir, Path.Combine(_dir, "pql.yaml"), """
        data:
          accounts: accounts.csv
          users: users.csv
          events: events.csv
        goals:
          conversion: { entity: account, achieved_when: { event: subscription_started }, horizon: 30d }

        """ + training).Training;

    // The default is set by backtests against the notebook peer (docs/LEARNING.md, "Entity weighting").
    [Theory]
    [InlineData("")]
    [InlineData("training: { cutoffs: 6 }")]
    public void Entity_weighting_is_off_when_not_given_and_refit_on(string training)
    {
        var config = Parse(training);

        Assert.False(config.EntityWeighting);
        Assert.True(config.Refit);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void Entity_weighting_takes_an_explicit_value(string text, bool expected)
    {
        Assert.Equal(expected, Parse($"training: {{ entity_weighting: {text} }}").EntityWeighting);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("1")]
    [InlineData("[true]")]
    public void Entity_weighting_not_true_or_false_is_one_line_naming_the_file_line_and_field(string text)
    {
        var ex = Assert.Throws<ConfigException>(() => Parse($"training:\n  cutoffs: 6\n  entity_weighting: {text}\n"));

        Assert.Equal("training.entity_weighting", ex.Key);
        Assert.Equal(9, ex.Line);
        Assert.StartsWith("pql.yaml:9 key 'training.entity_weighting':", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Refit_false_is_read()
    {
        Assert.False(Parse("training: { refit: false }").Refit);
    }
}
