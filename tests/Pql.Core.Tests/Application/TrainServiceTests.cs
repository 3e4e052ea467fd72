using Pql.Core.Application;
using Pql.Core.Demo;
using Pql.Core.Tests.Playbooks;

namespace Pql.Core.Tests.Application;

/// <summary>Acceptance: goals train independently; one that cannot train is reported, the others still train, the exit status says so.</summary>
public sealed class TrainServiceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-train-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WorldWithAnImpossibleGoal()
    {
        WorldGenerator.Generate(new WorldOptions { Accounts = 300, Days = 120, Seed = 5, OutputDirectory = _dir });
        var yaml = File.ReadAllText(Path.Combine(_dir, "pql.yaml"));
        var goals = yaml.IndexOf("goals:\n", StringComparison.Ordinal) + "goals:\n".Length;
        yaml = yaml.Insert(goals, "  impossible:\n    achieved_when: { event: never_happens }\n    horizon: 30d\n");
        File.WriteAllText(Path.Combine(_dir, "pql.yaml"), yaml);
        return _dir;
    }

    [Fact]
    public async Task A_goal_that_cannot_train_is_reported_and_the_others_still_train_and_register()
    {
        var world = WorldWithAnImpossibleGoal();

        var result = await new TrainService().TrainAsync(new TrainRequest(world));

        var failed = Assert.Single(result.Failed, f => f.Goal == "impossible");
        Assert.Contains("needs achiever", failed.Problem);
        Assert.Contains("conversion", result.Trained.Select(t => t.Goal));
        Assert.True(result.Trained.Count >= 2);
        using var session = WorkspaceSession.Open(world, loadData: false);
        foreach (var trained in result.Trained)
            Assert.Equal(trained.Version, (await session.State.CurrentModelAsync(trained.Goal))!.Version);
    }

    [Fact]
    public void Pql_train_with_an_impossible_goal_exits_non_zero_naming_it()
    {
        var world = WorldWithAnImpossibleGoal();
        var output = new List<string>();

        using var p = PqlCliProcess.Start(new Dictionary<string, string>(), output, "train", "--workspace", world);
        Assert.True(p.WaitForExit(TimeSpan.FromSeconds(300)));
        p.WaitForExit();

        var text = string.Join('\n', output);
        Assert.Equal(2, p.ExitCode);
        Assert.Contains("error: goal 'impossible' was not trained", text);
        Assert.Contains("goal(s) not trained: impossible", text);
        Assert.Contains("goal conversion:", text);
    }
}
