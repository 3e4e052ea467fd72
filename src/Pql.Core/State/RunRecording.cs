using Pql.Core.Scoring;

namespace Pql.Core.State;

/// <summary>What one scoring run writes in one transaction: the run, the trigger firings it caused and the actions they queue.</summary>
public sealed record RunRecording(ScoreRun Run, IReadOnlyList<TriggerFiring> Firings, IReadOnlyList<OutboxAction> Actions);
