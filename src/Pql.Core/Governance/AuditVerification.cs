namespace Pql.Core.Governance;

/// <summary>The outcome of checking an audit chain: how many entries were read and what is wrong with them.</summary>
public sealed record AuditVerification(int Checked, IReadOnlyList<AuditProblem> Problems)
{
    public bool Intact => Problems.Count == 0;
}
