namespace Pql.Core.Demo;

/// <summary>
/// One account's firmographics (written to accounts.csv) and its hidden behavioural traits (never written):
/// the traits drive behaviour, and behaviour - not the traits - drives the outcomes.
/// </summary>
internal readonly record struct AccountProfile
{
    public required int Index { get; init; }
    public required int SignupDay { get; init; }
    public required long CreatedMs { get; init; }
    public required int Segment { get; init; }
    public required int Employees { get; init; }
    public required int Industry { get; init; }
    public required int Country { get; init; }
    public required bool PaidAtSignup { get; init; }
    public required int Owner { get; init; }

    /// <summary>Chance the account is active on a weekday at its peak.</summary>
    public required double Engagement { get; init; }
    /// <summary>Events per session; independent of every outcome, so raw volume says little.</summary>
    public required double Intensity { get; init; }
    /// <summary>Tendency to adopt further products.</summary>
    public required double Breadth { get; init; }
    /// <summary>Tendency to invite colleagues and share work, and how active invitees become.</summary>
    public required double Collaboration { get; init; }
    /// <summary>Tendency to connect integrations.</summary>
    public required double Integrator { get; init; }
    /// <summary>Unobserved willingness to pay: noise on the outcome hazards.</summary>
    public required double Budget { get; init; }
    /// <summary>Activity comes in bursts separated by quiet spells.</summary>
    public required bool Bursty { get; init; }
    public required int FirstProduct { get; init; }
    /// <summary>Whole hours east of UTC of the account's working day.</summary>
    public required int UtcOffsetHours { get; init; }

    public const long DayMs = 86_400_000L;

    /// <summary>Draws an account's profile; signups are staggered over the period with growth towards its end.</summary>
    public static AccountProfile Draw(ref DemoRandom rng, int index, int days, long startMs)
    {
        var segment = rng.Pick(s_segmentCumulative);
        var employees = segment switch
        {
            0 => (int)Math.Clamp(rng.LogNormal(Math.Log(14), 0.9), 1, 199),
            1 => (int)Math.Clamp(rng.LogNormal(Math.Log(450), 0.6), 200, 1999),
            _ => (int)Math.Clamp(rng.LogNormal(Math.Log(7000), 0.9), 2000, 120_000),
        };
        var lastSignup = Math.Max(1, days - 3);
        var u = rng.NextDouble();
        var signupDay = (int)(lastSignup * (rng.Chance(0.5) ? Math.Sqrt(u) : u));
        var country = rng.Pick(s_countryCumulative);
        var offset = WorldCatalog.CountryUtcOffsets[country];
        var localMinute = rng.Next(8 * 60, 19 * 60);
        var createdMs = startMs + signupDay * DayMs + PositiveModulo((localMinute - offset * 60) * 60_000L, DayMs) + rng.Next(60) * 1000L;
        var fit = rng.Normal();
        var bursty = rng.Chance(0.2);
        var engagement = Math.Clamp(0.2 + 0.6 * DemoRandom.Sigmoid(0.4 * fit + rng.Normal()), 0.1, 0.9);
        return new AccountProfile
        {
            Index = index,
            SignupDay = signupDay,
            CreatedMs = createdMs,
            Segment = segment,
            Employees = employees,
            Industry = rng.Next(WorldCatalog.Industries.Length),
            Country = country,
            PaidAtSignup = rng.Chance(segment switch { 0 => 0.06, 1 => 0.10, _ => 0.18 }),
            Owner = segment switch { 0 => rng.Next(1, 7), 1 => rng.Next(7, 10), _ => rng.Next(10, 13) },
            Engagement = bursty ? engagement * 0.45 : engagement,
            Intensity = rng.LogNormal(Math.Log(3.4), 0.6),
            Breadth = DemoRandom.Sigmoid(0.9 * fit + 0.9 * rng.Normal() - 0.3),
            Collaboration = DemoRandom.Sigmoid(0.7 * fit + 1.0 * rng.Normal() - 0.2 + 0.4 * segment),
            Integrator = DemoRandom.Sigmoid(0.6 * fit + 1.0 * rng.Normal() - 0.5 + 0.3 * segment),
            Budget = 0.7 * rng.Normal(),
            Bursty = bursty,
            FirstProduct = rng.Pick(s_firstProductCumulative),
            UtcOffsetHours = offset,
        };
    }

    public static long PositiveModulo(long value, long modulus)
    {
        var r = value % modulus;
        return r < 0 ? r + modulus : r;
    }

    private static readonly double[] s_segmentCumulative = WorldCatalog.Cumulative(WorldCatalog.SegmentWeights);
    private static readonly double[] s_countryCumulative = WorldCatalog.Cumulative(WorldCatalog.CountryWeights);
    private static readonly double[] s_firstProductCumulative = WorldCatalog.Cumulative(WorldCatalog.FirstProductWeights);
}
