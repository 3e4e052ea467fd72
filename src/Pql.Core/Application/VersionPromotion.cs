using Pql.Core.Events;
using Pql.Core.Features;
using Pql.Core.Learning;
using Pql.Core.Governance;
using Pql.Core.Learning.Artifacts;
using Pql.Core.Scoring;
using Pql.Core.State;
using Pql.Core.Workspace;

namespace Pql.Core.Application;

/// <summary>What happened to a newly trained version: promoted now, or waiting for a second identity, and where its records are.</summary>
public sealed record PromotionOutcome(string Goal, string Version, bool Promoted, string Reason, string ChangeLogPath, string SnapshotPath);

/// <summary>
/// Registers a newly trained version through the promotion guardrail (docs/GOVERNANCE.md): keeps its training snapshot
/// (the feature and score distributions drift is measured against), compares it with the current version on the new
/// version's selection window and on the population at as-of, writes the change log beside the model card, and makes it
/// current only when the guardrail allows; otherwise it is registered and waits for approval by another identity.
/// </summary>
internal static class VersionPromotion
{
    public static async Task<PromotionOutcome> RegisterAsync(WorkspaceSession session, GoalDefinition goal, GoalTrainingReport report,
        Actor by, CancellationToken cancellationToken)
    {
        var config = session.Config;
        var candidate = ModelArtifact.Load(report.ArtifactPath);
        var candidateModel = candidate.ToModel();
        var population = WorkspaceScorer.Population(config, session.Load, goal, report.AsOfMs);
        var candidateScores = candidateModel.PredictProbability(population.Matrix);
        var policy = TierPolicy.Parse(config, goal.Name);

        var snapshotPath = TrainingSnapshot.PathFor(report.ArtifactPath);
        TrainingSnapshot.Build(goal.Name, report.Version, population.AsOfMs, population.Matrix, candidateModel.FeatureNames, candidateScores,
            population.Attributes, TrainingSnapshot.SegmentAttributeOf(policy.SegmentAttribute)).Save(snapshotPath);

        var options = new PromotionOptions { MaxMetricDrop = config.Training.MaxAucDrop, MaxTierMoveShare = config.Training.MaxTierMoveShare };
        var current = await session.State.CurrentModelAsync(goal.Name, cancellationToken).ConfigureAwait(false);
        var changeLogPath = ChangeLog.PathFor(report.ArtifactPath);
        PromotionDecision decision;
        if (current is null || !File.Exists(current.ArtifactPath) || report.Selection is not { } selection)
        {
            decision = PromotionGuardrail.Decide(null, 0, 0, options);
            await File.WriteAllTextAsync(changeLogPath, ChangeLog.RenderFirst(goal.Name, report.Version, decision), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var comparison = Compare(session, goal, current, candidate, candidateModel, selection, population, candidateScores, policy);
            decision = PromotionGuardrail.Decide(comparison.Current.RocAuc.Estimate, comparison.Candidate.RocAuc.Estimate, comparison.TierMoveShare, options);
            await File.WriteAllTextAsync(changeLogPath, ChangeLog.Render(goal.Name, comparison, decision, options), cancellationToken).ConfigureAwait(false);
        }

        var record = new ModelRecord(goal.Name, report.Version, report.Result.Best.Kind, report.ArtifactPath, report.MetricsJson, report.CreatedMs);
        await session.State.RegisterModelAsync(record, by, makeCurrent: decision.Automatic, cancellationToken).ConfigureAwait(false);
        if (!decision.Automatic)
            await session.State.RequestPromotionAsync(goal.Name, report.Version, decision.Reason, by, cancellationToken).ConfigureAwait(false);
        return new PromotionOutcome(goal.Name, report.Version, decision.Automatic, decision.Reason, changeLogPath, snapshotPath);
    }

    /// <summary>
    /// Both versions on the new version's selection rows (features rebuilt unpruned) and on the population at as-of. When the
    /// current version was trained after the window began it may have been fitted on the window's outcomes, so both versions'
    /// final models are measured there (same footing); otherwise the current version is out of sample and is compared with the
    /// new version's selection fit, which is too.
    /// </summary>
    private static VersionComparison Compare(WorkspaceSession session, GoalDefinition goal, ModelRecord current, ModelArtifact candidate,
        ScoringModel candidateModel, SelectionWindow selection, ScoringPopulation population, double[] candidateScores, TierPolicy policy)
    {
        var config = session.Config;
        var currentArtifact = ModelArtifact.Load(current.ArtifactPath);
        var currentModel = currentArtifact.ToModel();
        var selectionRows = new FeatureEngine(session.Load.Store, FeatureConfig.Parse(config), config)
            .Build(goal.Entity, selection.Entities, selection.Cutoffs);
        var currentSelection = currentModel.PredictProbability(selectionRows);
        var outOfSample = !SawWindow(currentArtifact, selection);
        var candidateSelection = outOfSample ? selection.Scores : candidateModel.PredictProbability(selectionRows);
        var currentScores = currentModel.PredictProbability(population.Matrix);
        return VersionComparison.Compare(currentArtifact, candidate, selection.Labels, currentSelection, candidateSelection, policy.TierNames,
            policy.Assign(currentScores, population.Attributes), policy.Assign(candidateScores, population.Attributes), config.Training.Seed)
            with { OutOfSample = outOfSample };
    }

    /// <summary>Whether the version was trained at an as-of after the window's cutoff (or without a recorded as-of: a snapshot goal).</summary>
    private static bool SawWindow(ModelArtifact artifact, SelectionWindow selection)
    {
        if (selection.Cutoffs.Length == 0 || !artifact.Metadata.TryGetValue("as_of", out var text) || !Timestamps.TryParseIso(text, out var asOf))
            return true;
        return asOf > selection.Cutoffs.Max();
    }
}
