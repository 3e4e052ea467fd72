namespace Pql.Core.State;

/// <summary>
/// A workspace's durable state, one small interface per concern: <see cref="IScoreHistory"/>, <see cref="IModelRegistry"/>,
/// <see cref="ITriggerLog"/>, <see cref="IOutbox"/>, <see cref="IAuditLog"/>, <see cref="IAuditChain"/>, <see cref="IPromotionApprovals"/>, <see cref="IOverrides"/>, <see cref="IFeedback"/>. Code that needs one concern takes that interface;
/// this one only opens and closes them together. The embedded implementation is <see cref="SqliteStateStore"/>; a PostgreSQL
/// one satisfies the same contract tests (tests/Pql.Core.Tests/State/*ContractTests.cs).
/// </summary>
public interface IStateStore : IScoreHistory, IModelRegistry, ITriggerLog, IOutbox, IAuditLog, IAuditChain, IPromotionApprovals, IOverrides, IFeedback, IDisposable
{
}
