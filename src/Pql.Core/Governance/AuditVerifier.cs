using Pql.Core.State;

namespace Pql.Core.Governance;

/// <summary>
/// Checks an audit hash chain (<see cref="AuditHash"/>) and names each entry that was edited, deleted or moved.
/// Each entry's hash must match its content and its previous hash, and its previous hash must be the hash of the entry
/// before it; ids are issued without gaps, so a gap is a deletion. What it cannot see: someone with write access who
/// rewrites every hash from the tampered entry to the end. Keeping a copy of the latest hash elsewhere (the report prints
/// it) closes that.
/// </summary>
public static class AuditVerifier
{
    public static AuditVerification Verify(AuditTrail trail)
    {
        ArgumentNullException.ThrowIfNull(trail);
        var entries = trail.Entries;
        var position = new Dictionary<string, int>(entries.Count, StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
            position.TryAdd(entries[i].Hash, i);
        var problems = new List<AuditProblem>();
        var reordered = new HashSet<long>();
        var expectedPrevious = AuditHash.Genesis;
        long previousId = 0;
        foreach (var e in entries)
        {
            var gap = e.Id > previousId + 1;
            if (gap)
                problems.Add(Deleted(previousId + 1, e.Id - 1));
            if (AuditHash.Compute(e.PreviousHash, e.Entry) != e.Hash)
                problems.Add(new AuditProblem(e.Id, AuditProblemKind.Edited, $"entry #{e.Id} ({e.Entry.Action}) was edited: its content does not match its hash"));
            if (e.PreviousHash != expectedPrevious && !gap)
                CheckLink(e, previousId, entries, position, reordered, problems);
            expectedPrevious = e.Hash;
            previousId = e.Id;
        }
        if (trail.LastIssuedId > previousId)
            problems.Add(Deleted(previousId + 1, trail.LastIssuedId));
        return new AuditVerification(entries.Count, problems);
    }

    /// <summary>The entry does not follow the one before it: it was moved, or the one before it was edited and re-hashed.</summary>
    private static void CheckLink(ChainedAuditEntry e, long previousId, IReadOnlyList<ChainedAuditEntry> entries,
        Dictionary<string, int> position, HashSet<long> reordered, List<AuditProblem> problems)
    {
        if (position.TryGetValue(e.PreviousHash, out var at))
        {
            var predecessor = entries[at].Id;
            if (reordered.Contains(predecessor))
                return;   // it still follows its own predecessor, which was moved: that one is already named
            reordered.Add(e.Id);
            problems.Add(new AuditProblem(e.Id, AuditProblemKind.Reordered,
                $"entry #{e.Id} ({e.Entry.Action}) is out of order: it was written after the entry now at #{predecessor}"));
        }
        else if (e.PreviousHash == AuditHash.Genesis)
        {
            reordered.Add(e.Id);
            problems.Add(new AuditProblem(e.Id, AuditProblemKind.Reordered, $"entry #{e.Id} ({e.Entry.Action}) is out of order: it was the first entry"));
        }
        else
        {
            problems.Add(new AuditProblem(previousId, AuditProblemKind.Edited,
                $"entry #{previousId} was edited and re-hashed: entry #{e.Id} no longer links to it"));
        }
    }

    private static AuditProblem Deleted(long from, long to) => new(from, AuditProblemKind.Deleted,
        from == to ? $"entry #{from} was deleted" : $"entries #{from} to #{to} were deleted");
}
