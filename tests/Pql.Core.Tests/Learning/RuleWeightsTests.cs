using Pql.Core.Scoring;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Learning;

public sealed class RuleWeightsTests
{
    private static readonly string[] Features = ["adoption.products_adopted", "activity.active_days_30d"];

    private static YamlDotNet.RepresentationModel.YamlMappingNode Rules(string yaml) =>
        (YamlDotNet.RepresentationModel.YamlMappingNode)YamlConfigReader.LoadRoot("pql.yaml", yaml).Children[new YamlDotNet.RepresentationModel.YamlScalarNode("rules")];

    [Fact]
    public void Parse_reads_weights_of_the_goal()
    {
        var rules = Rules("rules:\n  conversion:\n    adoption.products_adopted: 3\n    activity.active_days_30d: 0.5\n");

        var weights = RuleWeights.Parse(new YamlConfigReader("pql.yaml"), rules, "conversion", Features)!;

        Assert.Equal(3.0, weights["adoption.products_adopted"]);
        Assert.Equal(0.5, weights["activity.active_days_30d"]);
        Assert.Null(RuleWeights.Parse(new YamlConfigReader("pql.yaml"), rules, "expansion", Features));
    }

    [Fact]
    public void Parse_unknown_feature_names_line_and_key()
    {
        var rules = Rules("rules:\n  conversion:\n    adoption.products_adopted: 3\n    adoption.typo: 1\n");

        var ex = Assert.Throws<ConfigException>(() => RuleWeights.Parse(new YamlConfigReader("pql.yaml"), rules, "conversion", Features));

        Assert.Equal(4, ex.Line);
        Assert.Equal("rules.conversion.adoption.typo", ex.Key);
        Assert.Contains("adoption.products_adopted", ex.Message);
    }

    [Fact]
    public void Parse_non_numeric_weight_is_a_config_error()
    {
        var rules = Rules("rules:\n  conversion:\n    adoption.products_adopted: lots\n");

        var ex = Assert.Throws<ConfigException>(() => RuleWeights.Parse(new YamlConfigReader("pql.yaml"), rules, "conversion", Features));

        Assert.Equal(3, ex.Line);
    }
}
