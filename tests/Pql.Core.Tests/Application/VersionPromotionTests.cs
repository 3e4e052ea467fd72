using System.Text.Json;
using Pql.Core.Application;
using Pql.Core.Demo;
using Pql.Core.Governance;
using Pql.Core.State;
using Pql.Core.Tests.Playbooks;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Application;

/// <summary>
/// Acceptance for model versions through <see cref="TrainService"/>: the first version promotes, a later one promotes only
/// within the guardrail (else it waits for a second identity), every version keeps a training snapshot and a change log,
/// and a rollback restores bit-identical scores.
/// </summary>
public sealed class VersionPromotionTests : IDisposable
{
    private static readonly Actor Alice = Actor.Named("alice");
    private static readonly Actor Bob = Actor.Named("bob");
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-versions-").FullName;
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

    public VersionPromotionTests() =>
        WorldGenerator.Generate(new WorldOptions { Accounts = 300, Days = 120, Seed = 5, OutputDirectory = _dir, MaxDegreeOfParallelism = 1 });

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void Guardrail(double maxAucDrop, double maxTierMoveShare) =>
        File.AppendAllText(Path.Combine(_dir, "pql.yaml"),
            $"\ntraining:\n  max_auc_drop: {maxAucDrop}\n  max_tier_move_share: {maxTierMoveShare}\n");

    private async Task<TrainResult> Train(Actor by, long? asOf = null)
    {
        _clock.Advance(TimeSpan.FromMinutes(1));   // a new version name even when the data is the same
        var result = await new TrainService(_clock).TrainAsync(new TrainRequest(_dir) { Goal = "conversion", By = by, AsOfMs = asOf });
        Assert.True(result.AllTrained, string.Join("; ", result.Failed.Select(f => f.Problem)));
        return result;
    }

    private async Task<ModelsResult> Models() => await ModelsService.ListAsync(new ModelsRequest(_dir, "conversion"));

    [Fact]
    public async Task The_first_version_promotes_and_a_later_one_within_the_guardrail_promotes_with_a_change_log_and_snapshot()
    {
        Guardrail(maxAucDrop: 1, maxTierMoveShare: 1);

        var first = Assert.Single((await Train(Alice)).Promotions);
        var second = Assert.Single((await Train(Alice)).Promotions);

        Assert.True(first.Promoted);
        Assert.Contains("first version", first.Reason, StringComparison.Ordinal);
        Assert.Contains("First version of the goal", File.ReadAllText(first.ChangeLogPath), StringComparison.Ordinal);
        Assert.True(second.Promoted, second.Reason);
        var models = await Models();
        Assert.Equal(second.Version, models.Current);
        Assert.Empty(models.Pending);

        var log = File.ReadAllText(second.ChangeLogPath);
        Assert.Contains($"replacing {first.Version}", log, StringComparison.Ordinal);
        Assert.Contains("Promoted automatically", log, StringComparison.Ordinal);
        Assert.Matches(@"\| ROC AUC \| [01]\.\d{4} \[[01]\.\d{4}, [01]\.\d{4}\] \| [01]\.\d{4} \[", log);
        Assert.Contains("## Tier movement", log, StringComparison.Ordinal);
        Assert.Contains("| current \\ new | high_touch | assisted | nurture |", log, StringComparison.Ordinal);
        Assert.Contains("## Calibration on the same window", log, StringComparison.Ordinal);
        Assert.Contains("## Top inputs", log, StringComparison.Ordinal);

        var snapshot = TrainingSnapshot.Load(second.SnapshotPath);
        Assert.Equal(second.Version, snapshot.Version);
        Assert.Equal("segment", snapshot.SegmentAttribute);
        Assert.NotEmpty(snapshot.Segments);
        Assert.Equal(snapshot.All.Rows, snapshot.All.Score.Rows);
        Assert.True(snapshot.All.Features.Count > 10);
        var numeric = snapshot.All.Features.First(f => f.Kind == FeatureDistribution.NumericKind && f.Quantiles.Length > 0);
        Assert.Equal(FeatureDistribution.QuantileCount, numeric.Quantiles.Length);
        Assert.Equal(1.0, numeric.Shares.Sum(), 9);
        Assert.InRange(snapshot.Segments.Sum(s => s.Rows), TrainingSnapshot.MinSegmentRows, snapshot.All.Rows);
        Assert.All(snapshot.Segments, s => Assert.Equal(snapshot.All.Features.Count, s.Features.Count));
    }

    [Fact]
    public async Task A_version_outside_the_guardrail_waits_and_only_another_identity_can_promote_it()
    {
        Guardrail(maxAucDrop: 1, maxTierMoveShare: 0);   // any new version moves at least 0% of entities: it must wait

        var first = Assert.Single((await Train(Alice)).Promotions);
        var second = Assert.Single((await Train(Alice)).Promotions);

        Assert.True(first.Promoted);
        Assert.False(second.Promoted);
        Assert.Contains("change tier", second.Reason, StringComparison.Ordinal);
        var waiting = await Models();
        Assert.Equal(first.Version, waiting.Current);
        var pending = Assert.Single(waiting.Pending);
        Assert.Equal((second.Version, Alice.ToString()), (pending.Version, pending.RequestedBy));
        Assert.Contains("Waits for approval by a second identity", File.ReadAllText(second.ChangeLogPath), StringComparison.Ordinal);

        var own = await Assert.ThrowsAsync<PqlInputException>(() =>
            ModelsService.PromoteAsync(new ModelsRequest(_dir, "conversion") { Version = second.Version, By = Alice }));
        Assert.Contains("cannot approve", own.Message, StringComparison.Ordinal);
        var approved = await ModelsService.PromoteAsync(new ModelsRequest(_dir, "conversion") { Version = second.Version, By = Bob });
        Assert.Equal(second.Version, approved.Current);
        Assert.Empty(approved.Pending);
    }

    [Fact]
    public async Task A_worse_version_on_the_same_window_waits()
    {
        Guardrail(maxAucDrop: 0.005, maxTierMoveShare: 1);
        var first = Assert.Single((await Train(Alice)).Promotions);
        // The same data with a pinned weak learner: the rules model ranks worse than the kept GBDT on the same window.
        File.AppendAllText(Path.Combine(_dir, "pql.yaml"), "  model: rules\n");

        var second = Assert.Single((await Train(Alice)).Promotions);

        Assert.True(first.Promoted);
        Assert.False(second.Promoted, second.Reason);
        Assert.Contains("below the current", second.Reason, StringComparison.Ordinal);
        Assert.Equal(first.Version, (await Models()).Current);
    }

    [Fact]
    public async Task Rollback_restores_scores_bit_identical_to_the_earlier_versions_run()
    {
        Guardrail(maxAucDrop: 0.005, maxTierMoveShare: 0.2);
        var dataEnd = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var v1 = Assert.Single((await Train(Alice, dataEnd.AddDays(-21).ToUnixTimeMilliseconds())).Promotions);
        var before = (await Score()).Run;

        var v2 = Assert.Single((await Train(Alice)).Promotions);   // three more weeks of data: a different version
        Assert.NotEqual(v1.Version, v2.Version);
        if (!v2.Promoted)
            await ModelsService.PromoteAsync(new ModelsRequest(_dir, "conversion") { Version = v2.Version, By = Bob });
        var promoted = (await Score()).Run;
        Assert.Equal(v2.Version, promoted.ModelVersion);

        var back = await ModelsService.RollbackAsync(new ModelsRequest(_dir, "conversion") { By = Bob });
        Assert.Equal(v1.Version, back.Current);
        var after = (await Score()).Run;

        Assert.Equal(v1.Version, before.ModelVersion);
        Assert.Equal(v1.Version, after.ModelVersion);
        Assert.Equal(before.Rows.Count, after.Rows.Count);
        Assert.NotEqual(Bits(before), Bits(promoted));
        Assert.Equal(Bits(before), Bits(after));
        Assert.Equal(before.Rows.Select(r => r.Tier), after.Rows.Select(r => r.Tier));
        Assert.Equal(JsonSerializer.Serialize(before.Rows.Select(r => r.Drivers), Exact), JsonSerializer.Serialize(after.Rows.Select(r => r.Drivers), Exact));
    }

    // A driver whose feature is missing for the entity carries NaN: compare it as NaN, not fail to serialize it.
    private static readonly JsonSerializerOptions Exact = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private async Task<ScoreResult> Score()
    {
        _clock.Advance(TimeSpan.FromMinutes(1));   // a new run id
        return await new ScoreService(_clock).ScoreAsync(new ScoreRequest(_dir, "conversion") { By = Alice });
    }

    private static List<(string, long)> Bits(Pql.Core.Scoring.ScoreRun run) =>
        [.. run.Rows.Select(r => (r.EntityId, BitConverter.DoubleToInt64Bits(r.Score)))];
}
