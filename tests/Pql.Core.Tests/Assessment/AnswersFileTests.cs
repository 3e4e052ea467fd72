using Pql.Core.Assessment;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Assessment;

public sealed class AnswersFileTests
{
    private const string Yaml = """
        segment: developer_tools
        levels:
          data_integration: 4
          activation: 3
          usage_campaigns: 2
          pql: 1
          feedback_loop: 5
        """;

    private const string Json = """
        {
          "segment": "plg_sales_assist",
          "levels": { "data_integration": 2, "activation": "3", "usage_campaigns": 3, "pql": 4, "feedback_loop": 1 }
        }
        """;

    [Fact]
    public void Parse_yaml_reads_segment_and_every_level()
    {
        var answers = AnswersFile.Parse("answers.yaml", Yaml);

        Assert.Equal(Segment.DeveloperTools, answers.Segment.Segment);
        Assert.Equal([4, 3, 2, 1, 5], answers.Levels.ToArray());
    }

    [Fact]
    public void Parse_json_reads_segment_and_every_level()
    {
        var answers = AnswersFile.Parse("answers.json", Json);

        Assert.Equal(Segment.PlgWithSalesAssist, answers.Segment.Segment);
        Assert.Equal([2, 3, 3, 4, 1], answers.Levels.ToArray());
    }

    [Fact]
    public void Parse_segment_override_wins_and_may_replace_a_missing_segment()
    {
        var overridden = AnswersFile.Parse("answers.yaml", Yaml, segmentOverride: "pure-plg");
        var supplied = AnswersFile.Parse("answers.yaml", Yaml.Replace("segment: developer_tools\n", "", StringComparison.Ordinal), "sales_led_freemium");

        Assert.Equal(Segment.PurePlg, overridden.Segment.Segment);
        Assert.Equal(Segment.SalesLedWithFreemium, supplied.Segment.Segment);
    }

    [Theory]
    [InlineData("pql: 1", "pql: 0", "answers.yaml:6 key 'levels.pql': level 0 is outside 1-5")]
    [InlineData("pql: 1", "pql: 6", "answers.yaml:6 key 'levels.pql': level 6 is outside 1-5")]
    [InlineData("pql: 1", "pql: high", "answers.yaml:6 key 'levels.pql': 'high' is not a level")]
    [InlineData("pql: 1", "pql: 2.5", "answers.yaml:6 key 'levels.pql': '2.5' is not a level")]
    [InlineData("pql: 1", "pqls: 1", "answers.yaml:6 key 'levels.pqls': unknown dimension; use one of: data_integration,")]
    [InlineData("segment: developer_tools", "segment: enterprise", "answers.yaml:1 key 'segment': unknown segment 'enterprise'; use one of: pure_plg,")]
    [InlineData("  pql: 1\n", "", "answers.yaml:2 key 'levels': missing pql; every dimension needs a level")]
    [InlineData("segment: developer_tools\n", "", "answers.yaml key 'segment': missing; set it to one of: pure_plg")]
    [InlineData("levels:", "level:", "answers.yaml:2 key 'level': unknown key; expected one of: segment, levels")]
    public void Parse_yaml_problem_is_one_error_naming_file_line_and_key(string find, string replace, string expected)
    {
        var yaml = Yaml.Replace(find, replace, StringComparison.Ordinal);

        var ex = Assert.ThrowsAny<PqlInputException>(() => AnswersFile.Parse("/some/dir/answers.yaml", yaml));

        Assert.StartsWith(expected, ex.Message);
    }

    [Theory]
    [InlineData("\"pql\": 4", "\"pql\": 9", "answers.json key 'levels.pql': level 9 is outside 1-5")]
    [InlineData("\"pql\": 4", "\"PQL\": 4, \"pql\": 4", "answers.json key 'levels.pql': 'pql' is answered twice")]
    [InlineData("\"pql\": 4, ", "", "answers.json key 'levels': missing pql;")]
    [InlineData("\"plg_sales_assist\"", "\"smb\"", "answers.json key 'segment': unknown segment 'smb'")]
    [InlineData("\"pql\": 4,", "\"pql\": 4", "answers.json:3: not valid JSON")]
    public void Parse_json_problem_is_one_error_naming_file_and_key(string find, string replace, string expected)
    {
        var json = Json.Replace(find, replace, StringComparison.Ordinal);

        var ex = Assert.ThrowsAny<PqlInputException>(() => AnswersFile.Parse("answers.json", json));

        Assert.StartsWith(expected, ex.Message);
    }

    [Fact]
    public void Parse_several_missing_dimensions_are_listed_in_one_error()
    {
        var ex = Assert.ThrowsAny<PqlInputException>(() => AnswersFile.Parse("a.yaml", "segment: pure_plg\nlevels:\n  pql: 3\n"));

        Assert.Contains("missing data_integration, activation, usage_campaigns, feedback_loop", ex.Message);
    }

    [Fact]
    public void Parse_without_levels_section_says_which_keys_are_needed()
    {
        var ex = Assert.ThrowsAny<PqlInputException>(() => AnswersFile.Parse("a.yaml", "segment: pure_plg\n"));

        Assert.StartsWith("a.yaml key 'levels': missing; give a level from 1 to 5 for each of: data_integration", ex.Message);
    }

    [Theory]
    [InlineData("", "a.yaml key '(root)': the file is empty; it needs 'segment' and 'levels'")]
    [InlineData("- 3\n- 2\n", "a.yaml:1 key '(root)': expected a mapping with 'segment' and 'levels'")]
    [InlineData("segment: [pure_plg\n", "a.yaml:")]
    public void Parse_empty_or_malformed_yaml_says_what_the_file_needs(string yaml, string expected)
    {
        var ex = Assert.ThrowsAny<PqlInputException>(() => AnswersFile.Parse("a.yaml", yaml));

        Assert.StartsWith(expected, ex.Message);
    }

    [Fact]
    public void Load_missing_file_names_it()
    {
        var ex = Assert.Throws<PqlInputException>(() => AnswersFile.Load("/nonexistent/answers.yaml"));

        Assert.Contains("/nonexistent/answers.yaml", ex.Message);
    }
}
