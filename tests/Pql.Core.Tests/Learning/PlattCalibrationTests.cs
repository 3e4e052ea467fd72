using Pql.Core.Learning;

namespace Pql.Core.Tests.Learning;

public sealed class PlattCalibrationTests
{
    [Fact]
    public void Fit_with_huge_overlapping_margins_stays_calibrated()
    {
        // An overfitted model: margins of +-30 that are right only 70% of the time. Plain Newton diverges here.
        var raw = new double[1000];
        var y = new byte[1000];
        for (var i = 0; i < raw.Length; i++)
        {
            var positive = i % 10 < 3;
            y[i] = (byte)(positive ? 1 : 0);
            var right = i % 7 < 5;
            raw[i] = (positive == right ? 30 : -30) + i % 3;
        }

        var platt = PlattCalibration.Fit(raw, y);

        var loss = 0.0;
        for (var i = 0; i < raw.Length; i++)
        {
            var p = platt.Apply(raw[i]);
            Assert.InRange(p, 0.01, 0.99);
            loss -= y[i] == 1 ? Math.Log(p) : Math.Log(1 - p);
        }
        // The constant model at the base rate (0.3) has log loss 0.611; calibration must not be worse.
        Assert.True(loss / raw.Length < 0.611, $"log loss {loss / raw.Length}");
    }

    [Fact]
    public void Fit_recovers_a_known_sigmoid()
    {
        // Labels drawn deterministically from p = sigmoid(2x - 1) on a grid: the fit should find A ~ 2, B ~ -1.
        var raw = new List<double>();
        var y = new List<byte>();
        for (var k = -300; k <= 300; k++)
        {
            var x = k / 100.0;
            var p = 1 / (1 + Math.Exp(-(2 * x - 1)));
            for (var j = 0; j < 20; j++)
            {
                raw.Add(x);
                y.Add((byte)(j < Math.Round(p * 20) ? 1 : 0));
            }
        }

        var platt = PlattCalibration.Fit([.. raw], [.. y]);

        Assert.Equal(2.0, platt.A, 0.15);
        Assert.Equal(-1.0, platt.B, 0.15);
    }
}
