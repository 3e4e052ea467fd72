namespace Pql.Core.Demo;

/// <summary>
/// xoshiro256** seeded through SplitMix64: a small, fast generator whose sequence depends only on
/// its seed (never on the runtime version or thread), so a world is reproducible byte for byte.
/// </summary>
internal struct DemoRandom
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>A generator for one stream (e.g. one account) of a world seeded with <paramref name="seed"/>.</summary>
    public DemoRandom(long seed, long stream)
    {
        var x = (ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)stream * 0xD1B54A32D192ED03UL ^ 0x5DEECE66DUL;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    private static ulong SplitMix(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextULong()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n).</summary>
    public int Next(int n) => (int)((NextULong() >> 33) * (ulong)n >> 31);

    /// <summary>Uniform integer in [min, max).</summary>
    public int Next(int min, int max) => min + Next(max - min);

    public bool Chance(double p) => NextDouble() < p;

    /// <summary>Standard normal (Box-Muller; one value per call keeps the stream simple).</summary>
    public double Normal()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    public double LogNormal(double mu, double sigma) => Math.Exp(mu + sigma * Normal());

    /// <summary>Poisson by inversion; fine for the small means the simulator uses (below ~30).</summary>
    public int Poisson(double mean)
    {
        var l = Math.Exp(-mean);
        var k = 0;
        var p = NextDouble();
        var cdf = l;
        var term = l;
        while (p > cdf && k < 200)
        {
            k++;
            term *= mean / k;
            cdf += term;
        }
        return k;
    }

    /// <summary>Index drawn from cumulative weights (ascending, last = total).</summary>
    public int Pick(ReadOnlySpan<double> cumulative)
    {
        var x = NextDouble() * cumulative[^1];
        for (var i = 0; i < cumulative.Length - 1; i++)
        {
            if (x < cumulative[i])
                return i;
        }
        return cumulative.Length - 1;
    }

    public static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));
}
