using Pql.Core.Workspace;

namespace Pql.Core.Tests.Workspace;

public sealed class ConfigLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-config-").FullName;

    public ConfigLoaderTests()
    {
        File.WriteAllText(Path.Combine(_dir, "accounts.csv"), "account_id,created_at\n");
        File.WriteAllText(Path.Combine(_dir, "users.csv"), "user_id,account_id,created_at\n");
        File.WriteAllText(Path.Combine(_dir, "events.csv"), "timestamp,event,user_id\n");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private WorkspaceConfig Parse(string yaml) => ConfigLoader.Parse(_dir, Path.Combine(_dir, "pql.yaml"), yaml);

    private const string Data = """
        data:
          accounts: accounts.csv
          users: users.csv
          events: events.csv
        """;

    [Fact]
    public void Parse_contract_example_reads_every_goal_kind()
    {
        var config = Parse(Data + """

            products:
              docs: [doc_created, doc_shared]
            goals:
              conversion:
                entity: account
                achieved_when: { event: subscription_started }
                horizon: 30d
              expansion:
                entity: account
                achieved_when: { event: seats_added, where: { plan: paid } }
                horizon: 60d
              churn:
                entity: account
                achieved_when: { inactive_for: 30d }
                horizon: 30d
              activation:
                entity: user
                achieved_when:
                  all:
                    - { event: doc_created, at_least: 3 }
                    - { event: user_invited }
                horizon: 14d
              paid:
                entity: account
                achieved_when: { attribute: converted_at }
                horizon: 12h
            """);

        Assert.Equal(["conversion", "expansion", "churn", "activation", "paid"], config.Goals.Select(g => g.Name));
        Assert.Equal("docs", config.ProductOfEvent["doc_shared"]);
        var expansion = Assert.IsType<EventCondition>(config.Goals[1].Condition);
        Assert.Equal("paid", expansion.Where["plan"]);
        Assert.Equal(30 * Duration.MsPerDay, Assert.IsType<InactiveCondition>(config.Goals[2].Condition).PeriodMs);
        var activation = Assert.IsType<CountCondition>(config.Goals[3].Condition);
        Assert.True(activation.RequireAll);
        Assert.Equal([3, 1], activation.Terms.Select(t => t.AtLeast));
        Assert.Equal(EntityKind.User, config.Goals[3].Entity);
        Assert.Equal(12 * Duration.MsPerHour, config.Goals[4].HorizonMs);
    }

    [Fact]
    public void Parse_unknown_goal_kind_names_file_line_and_key()
    {
        var ex = Assert.Throws<ConfigException>(() => Parse(Data + """

            goals:
              conversion:
                entity: account
                achieved_when: { signup: x }
                horizon: 30d
            """));

        Assert.Equal(8, ex.Line);
        Assert.Contains("pql.yaml:8 key 'goals.conversion.achieved_when'", ex.Message);
        Assert.Contains("unknown goal kind 'signup'", ex.Message);
    }

    [Theory]
    [InlineData("30", "not a duration")]
    [InlineData("-3d", "not a duration")]
    [InlineData("2w", "not a duration")]
    public void Parse_bad_horizon_is_an_error_with_its_line(string horizon, string expected)
    {
        var ex = Assert.Throws<ConfigException>(() => Parse(Data + $$"""

            goals:
              conversion:
                achieved_when: { event: x }
                horizon: {{horizon}}
            """));

        Assert.Equal(8, ex.Line);
        Assert.Contains("goals.conversion.horizon", ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Parse_missing_file_names_the_key()
    {
        var ex = Assert.Throws<ConfigException>(() => Parse("""
            data:
              accounts: accounts.csv
              events: nowhere.csv.gz
            """));

        Assert.Equal(3, ex.Line);
        Assert.Contains("data.events", ex.Message);
        Assert.Contains("file not found: nowhere.csv.gz", ex.Message);
    }

    [Fact]
    public void Parse_unknown_section_is_rejected()
    {
        var ex = Assert.Throws<ConfigException>(() => Parse(Data + "\ngoal:\n  x: 1\n"));

        Assert.Contains("key 'goal'", ex.Message);
    }

    [Fact]
    public void Parse_mapped_source_reads_glob_columns_and_lookup()
    {
        File.WriteAllText(Path.Combine(_dir, "a-events.json"), "");
        File.WriteAllText(Path.Combine(_dir, "b-events.json"), "");
        File.WriteAllText(Path.Combine(_dir, "subs.csv"), "subscription_id,account_id\n");

        var config = Parse("""
            data:
              users: { from: events, columns: { user_id: userId, created_at: registration }, timestamp_format: unix_ms }
              accounts: { from: users }
              events:
                - path: "*-events.json"
                  columns: { timestamp: ts, event: page, user_id: userId }
                  timestamp_format: unix_ms
                - path: subs.csv
                  event: subscription_started
                  account_via: { path: subs.csv, key: subscription_id }
            """);

        var ev = config.Data.Events[0];
        Assert.Equal(2, ev.Paths.Count);
        Assert.Equal(FileFormat.Ndjson, ev.Format);
        Assert.Equal(TimestampFormat.UnixMillis, ev.TimestampFormat);
        Assert.Equal("page", ev.Column("event"));
        Assert.Equal(TableOrigin.FromEvents, config.Data.Users!.Origin);
        Assert.Equal(TableOrigin.FromUsers, config.Data.Accounts!.Origin);
        Assert.Equal("subscription_started", config.Data.Events[1].ConstantEvent);
        Assert.Equal("account_id", config.Data.Events[1].AccountVia!.TableAccount);
    }

    [Theory]
    [InlineData("goals:\n  active:\n\tachieved_when: { event: login }\n    horizon: 30d\n", 7)]
    [InlineData("goals:\n  active:\n    achieved_when: { event: login }\n    horizon: 30d\n  churn:\n    achieved_when: { inactive_for: 30d }\n\t  horizon: 30d\n", 11)]
    public void A_tab_in_the_indentation_is_reported_at_its_own_line(string goals, int line)
    {
        var ex = Assert.Throws<ConfigException>(() => Parse(Data + "\n" + goals));

        Assert.Equal(line, ex.Line);
        Assert.Contains("tab", ex.Message, StringComparison.Ordinal);
        Assert.StartsWith($"pql.yaml:{line} ", ex.Message, StringComparison.Ordinal);
    }
}
