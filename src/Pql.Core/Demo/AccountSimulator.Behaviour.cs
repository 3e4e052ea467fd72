using System.Numerics;

namespace Pql.Core.Demo;

/// <summary>Behaviour on an active day, and the outcome hazards computed from earlier behaviour.</summary>
internal sealed partial class AccountSimulator
{
    private void ActiveDay(ref DemoRandom rng, int d, int age, long dayStart)
    {
        var todayMask = 0;
        var lastUser = 0;
        var lastTime = dayStart;
        var userCap = Math.Min(_p.Employees, 12 + 30 * _p.Segment);
        var inviteRate = _p.Collaboration * (age < 7 ? 0.25 : 0.06) * (1 + 0.8 * _p.Segment);
        for (var u = 0; u < _userCount; u++)
        {
            ref var user = ref _users[u];
            if (!user.Accepted || user.CreatedDay > d)
                continue;
            var forced = u == 0 && age == 0;
            if (!forced && !rng.Chance(user.Activity))
                continue;
            var sessions = 1 + rng.Poisson(0.6);
            for (var s = 0; s < sessions; s++)
            {
                var product = (_adopted & (1 << user.HomeProduct)) != 0 && rng.Chance(0.55)
                    ? user.HomeProduct
                    : RandomAdopted(ref rng);
                lastTime = Session(ref rng, dayStart, u, product, startWithCreate: false);
                todayMask |= 1 << product;
            }
            user.LastActiveDay = d;
            lastUser = u;
            if (_userCount < userCap && rng.Chance(inviteRate))
                Invite(ref rng, u, lastTime + rng.Next(5, 120) * 1000L, user.HomeProduct);
        }

        if (_productCount < WorldCatalog.Products.Length && rng.Chance(_p.Breadth * (age < 14 ? 0.14 : 0.03)))
        {
            var product = RandomNotAdopted(ref rng);
            _adopted |= 1 << product;
            _productCount++;
            if (_productCount == 2)
                _secondProductDay = d;
            Session(ref rng, dayStart, lastUser, product, startWithCreate: true);
            todayMask |= 1 << product;
        }
        if (_integrationCount < 5 && rng.Chance(_p.Integrator * 0.035 * (0.5 + 0.5 * _productCount)))
        {
            int kind;
            do
                kind = rng.Next(WorldCatalog.Integrations.Length);
            while ((_integrationMask & (1 << kind)) != 0);
            _integrationMask |= 1 << kind;
            _integrationCount++;
            Emit(lastTime + rng.Next(30, 600) * 1000L, WorldCatalog.IntegrationAddedId, rng.Chance(0.7) ? 0 : lastUser, kind);
        }
        _weekMask[d / 7] |= (byte)todayMask;
        if (todayMask != 0)
            _lastActiveDay = d;
    }

    /// <summary>A burst of one user's events in one product; returns the time of its last event.</summary>
    private long Session(ref DemoRandom rng, long dayStart, int user, int product, bool startWithCreate)
    {
        var localMinute = Math.Clamp(13 * 60 + (int)(170 * rng.Normal()), 6 * 60, 23 * 60 + 30);
        var t = dayStart + AccountProfile.PositiveModulo((localMinute - _p.UtcOffsetHours * 60) * 60_000L, DayMs) + rng.Next(60) * 1000L;
        var created = _users[user].CreatedMs;
        if (t <= created)
            t = created + rng.Next(20, 900) * 1000L;
        var first = WorldCatalog.ProductFirstEvent[product];
        var count = 1 + rng.Poisson(_p.Intensity);
        if (startWithCreate)
        {
            Emit(t, first, user, 0);
            t += rng.Next(20, 240) * 1000L;
        }
        var cumulative = s_eventCumulative[product];
        for (var i = 0; i < count; i++)
        {
            Emit(t, first + rng.Pick(cumulative), user, 0);
            t += rng.Next(15, 300) * 1000L;
        }
        if (rng.Chance(_p.Collaboration * 0.14))
            Emit(t, WorldCatalog.ShareEvent(product), user, rng.Next(2));
        return t;
    }

    /// <summary>An invite; the invitee may accept later and becomes a user who is more active in collaborative accounts.</summary>
    private void Invite(ref DemoRandom rng, int inviter, long timeMs, int product)
    {
        var accepted = rng.Chance(0.3 + 0.5 * _p.Collaboration);
        var createdMs = timeMs + rng.Next(5 * 60, 72 * 3600) * 1000L;
        var roleDraw = rng.NextDouble();
        var role = roleDraw < 0.75 ? 1 : roleDraw < 0.9 ? 2 : 3;
        var activity = Math.Clamp(0.05 + 0.55 * _p.Collaboration * rng.NextDouble() + 0.25 * rng.NextDouble(), 0.02, 0.9);
        var invitee = AddUser(createdMs, role, activity, product, invitee: true, accepted: accepted && createdMs < _endMs);
        Emit(timeMs, WorldCatalog.UserInvitedId, inviter, invitee);
        if (accepted && !_paid)
            Emit(createdMs + rng.Next(1, 30) * 1000L, WorldCatalog.SeatsAddedId, 0, Seats(1, paid: false));
    }

    private int RandomAdopted(ref DemoRandom rng)
    {
        var k = rng.Next(_productCount);
        for (var p = 0; p < WorldCatalog.Products.Length; p++)
        {
            if ((_adopted & (1 << p)) != 0 && k-- == 0)
                return p;
        }
        return _p.FirstProduct;
    }

    private int RandomNotAdopted(ref DemoRandom rng)
    {
        var k = rng.Next(WorldCatalog.Products.Length - _productCount);
        for (var p = 0; p < WorldCatalog.Products.Length; p++)
        {
            if ((_adopted & (1 << p)) == 0 && k-- == 0)
                return p;
        }
        return BitOperations.TrailingZeroCount(~_adopted);
    }

    /// <summary>Permanent churn: single-product, unintegrated, solo, free accounts leave most.</summary>
    private double ChurnHazard(double multiShare, int activeInvitees) =>
        DemoRandom.Sigmoid(-5.2 - 0.55 * (_productCount - 1) - 0.35 * Math.Min(_integrationCount, 3)
                           - (_paid ? 1.3 : 0) - 0.35 * Math.Min(activeInvitees, 3) - 1.0 * multiShare - 0.5 * _p.Budget);

    /// <summary>Quiet spells (often longer than the churn window): accounts that live in one product go quiet most.</summary>
    private double DormancyHazard(double multiShare) =>
        (_p.Bursty ? 0.003 : 0.006) * (_productCount == 1 ? 1.5 : 0.7) * (1 - 0.6 * multiShare)
        * (_integrationCount > 0 ? 0.6 : 1) * (_paid ? 0.6 : 1);

    /// <summary>Conversion (free accounts) and expansion (paid accounts), driven by behaviour before today.</summary>
    private void Outcomes(ref DemoRandom rng, long dayStart, double multiShare, int activeInvitees)
    {
        var early = _secondProductDay >= 0 && _secondProductDay - _p.SignupDay <= 14 ? 1.0 : 0.0;
        var breadth = 0.8 * (_productCount - 1) + 1.5 * multiShare + 0.45 * Math.Min(_integrationCount, 3)
                      + 0.5 * Math.Min(activeInvitees, 4) + _p.Budget;
        var localMinute = Math.Clamp(11 * 60 + (int)(150 * rng.Normal()), 7 * 60, 22 * 60);
        var t = dayStart + AccountProfile.PositiveModulo((localMinute - _p.UtcOffsetHours * 60) * 60_000L, DayMs);
        if (t >= _endMs)
            return; // after the period: nothing is written, so nothing may change
        if (!_paid)
        {
            if (!rng.Chance(DemoRandom.Sigmoid(-7.6 + breadth + 0.9 * early + 0.25 * _p.Segment)))
                return;
            _paid = true;
            _converted = true;
            _seatsPaid = AcceptedUsers();
            Emit(t, WorldCatalog.SubscriptionStartedId, 0, Seats(_seatsPaid, paid: true));
            return;
        }
        var unpaid = AcceptedUsers() - _seatsPaid;
        if (!rng.Chance(DemoRandom.Sigmoid(-7.0 + breadth + 0.6 * Math.Min(Math.Max(unpaid, 0), 3))))
            return;
        var seats = Math.Max(1, unpaid) + rng.Next(3);
        _seatsPaid += seats;
        _expanded = true;
        Emit(t, WorldCatalog.SeatsAddedId, 0, Seats(seats, paid: true));
    }
}
