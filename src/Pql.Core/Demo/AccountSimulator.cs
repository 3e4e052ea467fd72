using System.Numerics;

namespace Pql.Core.Demo;

/// <summary>
/// Simulates one account day by day. Behaviour comes from the account's hidden traits; the outcomes
/// (conversion, expansion, churn) come only from behaviour observed on earlier days - products adopted,
/// an early second product, multi-product weeks, integrations and active invitees - so a model has a real,
/// multi-product signal to learn, while raw event volume (an independent trait) says little.
/// One instance per worker thread; its buffers are reused from account to account.
/// </summary>
internal sealed partial class AccountSimulator
{
    private const long DayMs = AccountProfile.DayMs;
    private static readonly double[][] s_eventCumulative = BuildEventCumulative();

    private SimEvent[] _events = new SimEvent[1024];
    private SimUser[] _users = new SimUser[16];
    private byte[] _weekMask = new byte[64];
    private int _eventCount;
    private int _userCount;

    private AccountProfile _p;
    private long _startMs;
    private long _endMs;
    private int _adopted;
    private int _productCount;
    private int _secondProductDay;
    private int _integrationMask;
    private int _integrationCount;
    private bool _paid;
    private int _seatsPaid;
    private int _lastActiveDay;
    private bool _converted;
    private bool _expanded;

    public ReadOnlySpan<SimEvent> Events => _events.AsSpan(0, _eventCount);
    public ReadOnlySpan<SimUser> Users => _users.AsSpan(0, _userCount);

    /// <summary>Simulates the account from its signup to <paramref name="days"/>; events are sorted by time.</summary>
    public AccountOutcome Simulate(in AccountProfile p, ref DemoRandom rng, int days, long startMs, long endMs)
    {
        Reset(p, days, startMs, endMs);
        AddUser(p.CreatedMs, role: 0, activity: 0.55 + 0.35 * rng.NextDouble(), p.FirstProduct, invitee: false, accepted: true);
        if (p.PaidAtSignup)
        {
            _paid = true;
            _seatsPaid = 1;
            Emit(p.CreatedMs + rng.Next(60, 1200) * 1000L, WorldCatalog.SubscriptionStartedId, 0, Seats(1, paid: true));
        }

        var churned = false;
        var dormantUntil = -1;
        var burstUntil = -1;
        for (var d = p.SignupDay; d < days; d++)
        {
            var age = d - p.SignupDay;
            var dayStart = startMs + d * DayMs;
            if (age > 0)
            {
                var multiShare = MultiProductShare(d / 7, p.SignupDay / 7);
                var activeInvitees = ActiveInvitees(d);
                if (age > 7 && rng.Chance(ChurnHazard(multiShare, activeInvitees)))
                {
                    churned = true;
                    break;
                }
                if (_lastActiveDay >= d - 14)
                    Outcomes(ref rng, dayStart, multiShare, activeInvitees);
                if (d >= dormantUntil && rng.Chance(DormancyHazard(multiShare)))
                    dormantUntil = d + rng.Next(6, 35);
            }
            if (d < dormantUntil)
                continue;
            if (p.Bursty && d >= burstUntil && rng.Chance(0.07))
                burstUntil = d + rng.Next(2, 7);

            var tau = 30.0 + 60 * (_productCount - 1) + 30 * Math.Min(_integrationCount, 3) + (_paid ? 40 : 0);
            var retention = 0.35 + 0.65 * Math.Exp(-age / tau);
            var pActive = p.Engagement * Weekday(dayStart) * retention * (d < burstUntil ? 2.6 : 1.0);
            if (age > 0 && !rng.Chance(Math.Min(pActive, 0.97)))
                continue;
            ActiveDay(ref rng, d, age, dayStart);
        }

        _events.AsSpan(0, _eventCount).Sort(static (a, b) => SimEvent.Compare(a, b));
        return new AccountOutcome(_converted, _expanded, churned, _productCount);
    }

    private void Reset(in AccountProfile p, int days, long startMs, long endMs)
    {
        _p = p;
        _startMs = startMs;
        _endMs = endMs;
        _eventCount = 0;
        _userCount = 0;
        var weeks = days / 7 + 2;
        if (_weekMask.Length < weeks)
            _weekMask = new byte[weeks];
        Array.Clear(_weekMask, 0, weeks);
        _adopted = 1 << p.FirstProduct;
        _productCount = 1;
        _secondProductDay = -1;
        _integrationMask = 0;
        _integrationCount = 0;
        _paid = false;
        _seatsPaid = 0;
        _lastActiveDay = p.SignupDay;
        _converted = false;
        _expanded = false;
    }

    /// <summary>Weekly seasonality: weekdays busy, weekends quiet (1970-01-01 was a Thursday).</summary>
    private static double Weekday(long dayStartMs)
    {
        var dow = (int)AccountProfile.PositiveModulo(dayStartMs / DayMs + 4, 7);
        return dow switch { 0 => 0.22, 6 => 0.28, 5 => 0.85, _ => 1.0 };
    }

    /// <summary>Share of the account's active weeks, among the last five, in which two or more products were used.</summary>
    private double MultiProductShare(int week, int firstWeek)
    {
        int active = 0, multi = 0;
        for (var w = Math.Max(firstWeek, week - 4); w <= week; w++)
        {
            var mask = _weekMask[w];
            if (mask == 0)
                continue;
            active++;
            if (BitOperations.PopCount(mask) >= 2)
                multi++;
        }
        return active == 0 ? 0 : (double)multi / active;
    }

    /// <summary>Invitees who accepted and were active in the last two weeks.</summary>
    private int ActiveInvitees(int day)
    {
        var n = 0;
        for (var i = 1; i < _userCount; i++)
        {
            ref var u = ref _users[i];
            if (u.Invitee && u.Accepted && u.LastActiveDay >= day - 14)
                n++;
        }
        return n;
    }

    private int AcceptedUsers()
    {
        var n = 0;
        for (var i = 0; i < _userCount; i++)
        {
            if (_users[i].Accepted)
                n++;
        }
        return n;
    }

    private void Emit(long timeMs, int eventId, int user, int extra)
    {
        if (timeMs >= _endMs)
            return;
        var creation = _users[user].CreatedMs;
        if (timeMs <= creation)
            timeMs = creation + 1000;
        if (_eventCount == _events.Length)
            Array.Resize(ref _events, _events.Length * 2);
        _events[_eventCount] = new SimEvent { TimeMs = timeMs, Event = eventId, User = user, Extra = extra, Seq = _eventCount };
        _eventCount++;
    }

    private int AddUser(long createdMs, int role, double activity, int homeProduct, bool invitee, bool accepted)
    {
        if (_userCount == _users.Length)
            Array.Resize(ref _users, _users.Length * 2);
        _users[_userCount] = new SimUser
        {
            CreatedMs = createdMs,
            CreatedDay = (int)((createdMs - _startMs) / DayMs),
            Role = role,
            Activity = activity,
            HomeProduct = homeProduct,
            LastActiveDay = -1000,
            Invitee = invitee,
            Accepted = accepted,
        };
        return _userCount++;
    }

    /// <summary>Packs a seat count and plan into <see cref="SimEvent.Extra"/>.</summary>
    public static int Seats(int seats, bool paid) => seats * 2 + (paid ? 1 : 0);

    private static double[][] BuildEventCumulative()
    {
        var result = new double[WorldCatalog.Products.Length][];
        for (var p = 0; p < result.Length; p++)
            result[p] = WorldCatalog.Cumulative(WorldCatalog.ProductEventWeights[p]);
        return result;
    }
}
