using Pql.Core.Application;
using Pql.Core.State;
using Pql.Core.Tests.Playbooks;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Application;

/// <summary>The <c>overrides:</c> section of pql.yaml: its defaults, its validation, and the override guardrail reading it instead of constants.</summary>
public sealed class OverrideLimitsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-override-limits-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string Tiers = "tiers:\n  default: { high_touch: 0.6, assisted: 0.3 }\n";

    [Fact]
    public void Absent_the_section_gives_ten_entities_and_one_tier_step_and_set_values_are_read()
    {
        var defaults = Some.Config(_dir, Tiers).Overrides;
        Assert.Equal((10, 1), (defaults.MaxEntitiesWithoutApproval, defaults.MaxTierStepsWithoutApproval));

        var set = Some.Config(_dir, Tiers + "overrides: { max_entities_without_approval: 3, max_tier_steps_without_approval: 0 }\n");
        Assert.Equal((3, 0), (set.Overrides.MaxEntitiesWithoutApproval, set.Overrides.MaxTierStepsWithoutApproval));
        var options = OverrideService.Options(set);
        Assert.Equal((3, 0), (options.MaxEntitiesWithoutApproval, options.MaxTierStepsWithoutApproval));
    }

    [Theory]
    [InlineData("max_entities_without_approval: -2", "overrides.max_entities_without_approval", "'-2' must be a whole number from 1 to 1000000")]
    [InlineData("max_entities_without_approval: ten", "overrides.max_entities_without_approval", "'ten' is not a number")]
    [InlineData("max_tier_steps_without_approval: 0.5", "overrides.max_tier_steps_without_approval", "'0.5' must be a whole number from 0 to 1000000")]
    public void A_bad_value_is_one_line_naming_file_line_and_field(string setting, string key, string problem)
    {
        var ex = Assert.Throws<ConfigException>(() => Some.Config(_dir, Tiers + "overrides:\n  " + setting + "\n"));
        var line = Some.WorkspaceYaml(Tiers).Split('\n').Length + 1;
        Assert.Equal($"pql.yaml:{line} key '{key}': {problem}", ex.Message[ex.Message.IndexOf("pql.yaml:", StringComparison.Ordinal)..]);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public async Task The_guardrail_uses_the_configured_limits()
    {
        var loose = Some.Config(_dir, Tiers);
        var strict = Some.Config(_dir, Tiers + "overrides: { max_entities_without_approval: 2, max_tier_steps_without_approval: 0 }\n");
        using var state = SqliteStateStore.OpenWorkspace(Path.Combine(_dir, ".pql"));
        var time = TimeProvider.System;
        OverrideRequest Request(string[] ids, string? tier) =>
            new(_dir, "conversion", ids, "asked by sales", 86_400_000) { Tier = tier, Suppress = tier is null, By = Actor.Named("ann") };

        // Three entities at once: within the default ten, beyond a configured two.
        Assert.Null((await OverrideService.SetAsync(state, loose, Request(["a1", "a2", "a3"], null), time)).WaitsBecause);
        Assert.Contains("more than 2 need approval", (await OverrideService.SetAsync(state, strict, Request(["b1", "b2", "b3"], null), time)).WaitsBecause,
            StringComparison.Ordinal);
        // One tier up from an unscored entity (the lowest tier): within the default one step, beyond a configured zero.
        Assert.Null((await OverrideService.SetAsync(state, loose, Request(["c1"], "assisted"), time)).WaitsBecause);
        Assert.Contains("more than 0 needs approval", (await OverrideService.SetAsync(state, strict, Request(["d1"], "assisted"), time)).WaitsBecause,
            StringComparison.Ordinal);
    }
}
