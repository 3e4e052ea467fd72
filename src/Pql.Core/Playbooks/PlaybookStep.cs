namespace Pql.Core.Playbooks;

/// <summary>
/// One action of a playbook: which connector does what, the message template, and routing: the owner comes from
/// <see cref="OwnerAttribute"/>, the channel from <see cref="Channels"/> by the value of <see cref="SegmentAttribute"/>,
/// else <see cref="Channel"/>. <see cref="Params"/> are non-secret per-step settings (list_id, sequence_id, object, ...).
/// </summary>
public sealed record PlaybookStep(
    string Connector,
    string Action,
    MessageTemplate Template,
    string OwnerAttribute,
    string SegmentAttribute,
    string? Channel,
    IReadOnlyDictionary<string, string> Channels,
    IReadOnlyDictionary<string, string> Params);
