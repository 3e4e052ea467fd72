namespace Pql.Core.State;

/// <summary>
/// A trigger that fired for an entity in a run. <see cref="Reason"/> says why in words;
/// <see cref="DataJson"/> holds the same facts as data (old/new score and tier, top moved drivers).
/// </summary>
public sealed record TriggerFiring(
    string RunId,
    string Goal,
    string EntityId,
    string Trigger,
    string Playbook,
    string Reason,
    string DataJson,
    long CreatedMs);
