using Pql.Core.Scoring;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Playbooks;

public sealed class TierPolicyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-tiers-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Parse_without_tiers_section_uses_the_defaults()
    {
        var policy = TierPolicy.Parse(Some.Config(_dir, ""), "conversion");

        Assert.Equal(["high_touch", "assisted", "nurture", "nurture"], policy.Assign([0.6, 0.3, 0.29, 0.0]));
    }

    [Fact]
    public void Parse_default_entry_applies_to_goals_without_their_own()
    {
        var policy = TierPolicy.Parse(Some.Config(_dir, "tiers:\n  default: { hot: 0.9, warm: 0.5 }\n"), "conversion");

        Assert.Equal(["hot", "warm", "nurture"], policy.Assign([0.95, 0.5, 0.1]));
        Assert.Equal(["hot", "warm", "nurture"], policy.TierNames);
    }

    [Fact]
    public void Assign_by_percentiles_takes_the_top_share_and_keeps_ties_together()
    {
        var policy = TierPolicy.Parse(Some.Config(_dir, "tiers:\n  conversion:\n    percentiles: { high_touch: 10, assisted: 30 }\n"), "conversion");
        double[] scores = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.9];

        var tiers = policy.Assign(scores);

        Assert.Equal("high_touch", tiers[8]);
        Assert.Equal("high_touch", tiers[9]);
        Assert.Equal("assisted", tiers[7]);
        Assert.Equal("nurture", tiers[6]);
    }

    [Fact]
    public void Assign_with_segments_uses_the_segment_thresholds()
    {
        var policy = TierPolicy.Parse(Some.Config(_dir, """
            tiers:
              conversion:
                high_touch: 0.6
                assisted: 0.3
                segments:
                  attribute: segment
                  smb: { high_touch: 0.8, assisted: 0.5 }
            """), "conversion");
        var attrs = new IReadOnlyDictionary<string, string>?[]
        {
            new Dictionary<string, string> { ["segment"] = "enterprise" },
            new Dictionary<string, string> { ["segment"] = "smb" },
            null,
        };

        var tiers = policy.Assign([0.7, 0.7, 0.7], attrs);

        Assert.Equal(["high_touch", "assisted", "high_touch"], tiers);
    }

    [Fact]
    public void Parse_thresholds_not_descending_names_file_line_and_key()
    {
        var config = Some.Config(_dir, "tiers:\n  conversion: { high_touch: 0.3, assisted: 0.6 }\n");

        var ex = Assert.Throws<ConfigException>(() => TierPolicy.Parse(config, "conversion"));

        Assert.Contains("pql.yaml:10 key 'tiers.conversion.assisted'", ex.Message);
        Assert.Contains("highest first", ex.Message);
    }
}
