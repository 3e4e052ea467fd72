namespace Pql.Core.Demo;

/// <summary>One simulated event before formatting. <see cref="Extra"/> carries the event's property value
/// (integration index, invitee user index, seat count and plan, share channel).</summary>
internal struct SimEvent
{
    public long TimeMs;
    public int Event;
    public int User;
    public int Extra;
    public int Seq;

    public static int Compare(SimEvent a, SimEvent b)
    {
        var c = a.TimeMs.CompareTo(b.TimeMs);
        return c != 0 ? c : a.Seq.CompareTo(b.Seq);
    }
}

/// <summary>One simulated user of an account; invitees who never accepted are not written.</summary>
internal struct SimUser
{
    public long CreatedMs;
    public int CreatedDay;
    public int Role;
    public double Activity;
    public int HomeProduct;
    public int LastActiveDay;
    public bool Invitee;
    public bool Accepted;
}

/// <summary>What happened to one account, for the generator's summary counts.</summary>
internal readonly record struct AccountOutcome(bool Converted, bool Expanded, bool Churned, int ProductsAdopted);
