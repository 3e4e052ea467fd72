using System.Globalization;
using System.Net;
using System.Text;

namespace Pql.Core.Application;

/// <summary>Small inline SVG charts for the self-contained report: no script, no network, readable in any browser.</summary>
internal static class SvgChart
{
    private const int Width = 520, Height = 240, Left = 48, Right = 16, Top = 16, Bottom = 36;

    public static string F(double v, string format = "0.###") => double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "n/a";

    public static string Esc(string s) => WebUtility.HtmlEncode(s);

    /// <summary>Bars with optional 95% whiskers; values in [0, max].</summary>
    public static string Bars(string label, IReadOnlyList<(string Name, double Value, double Low, double High)> bars, double max, Func<double, string> tick)
    {
        var sb = Open(label);
        Axis(sb, max, tick);
        var slot = (Width - Left - Right) / (double)Math.Max(1, bars.Count);
        for (var i = 0; i < bars.Count; i++)
        {
            var (name, v, lo, hi) = bars[i];
            var x = Left + i * slot + slot * 0.2;
            var w = slot * 0.6;
            if (double.IsFinite(v))
            {
                sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(x)}\" y=\"{F(Y(v, max))}\" width=\"{F(w)}\" height=\"{F(Y(0, max) - Y(v, max))}\" fill=\"#2b6cb0\"><title>{Esc(name)}: {tick(v)}</title></rect>");
                if (double.IsFinite(lo) && double.IsFinite(hi))
                    sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(x + w / 2)}\" x2=\"{F(x + w / 2)}\" y1=\"{F(Y(lo, max))}\" y2=\"{F(Y(hi, max))}\" stroke=\"#111\" stroke-width=\"1.5\"/>");
            }
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(x + w / 2)}\" y=\"{Height - 18}\" font-size=\"11\" text-anchor=\"middle\">{Esc(name)}</text>");
        }
        return Close(sb);
    }

    /// <summary>A line through (x, y) points with x in [0, 1]; an optional dashed reference line y = reference(x).</summary>
    public static string Line(string label, IReadOnlyList<(double X, double Y)> points, double maxY, Func<double, string> tick, Func<double, double>? reference = null,
        bool dots = false)
    {
        var sb = Open(label);
        Axis(sb, maxY, tick);
        for (var k = 0; k <= 4; k++)
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(X(k / 4.0))}\" y=\"{Height - 18}\" font-size=\"10\" text-anchor=\"middle\">{F(k * 25.0, "0")}%</text>");
        if (reference is not null)
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(X(0))}\" y1=\"{F(Y(reference(0), maxY))}\" x2=\"{F(X(1))}\" y2=\"{F(Y(reference(1), maxY))}\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>");
        var finite = points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        if (finite.Count > 0)
        {
            var path = string.Join(' ', finite.Select((p, i) => (i == 0 ? "M" : "L") + F(X(p.X)) + "," + F(Y(p.Y, maxY))));
            sb.Append(CultureInfo.InvariantCulture, $"<path d=\"{path}\" fill=\"none\" stroke=\"#2b6cb0\" stroke-width=\"2\"/>");
            foreach (var p in finite.Where(_ => dots))
                sb.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(X(p.X))}\" cy=\"{F(Y(p.Y, maxY))}\" r=\"3.5\" fill=\"#2b6cb0\"><title>{F(p.X)} → {F(p.Y)}</title></circle>");
        }
        return Close(sb);
    }

    private static double X(double x) => Left + x * (Width - Left - Right);

    private static double Y(double v, double max) => Top + (1 - Math.Clamp(v / max, 0, 1)) * (Height - Top - Bottom);

    private static StringBuilder Open(string label) =>
        new StringBuilder().Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" role=\"img\" aria-label=\"{Esc(label)}\">");

    private static void Axis(StringBuilder sb, double max, Func<double, string> tick)
    {
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{F(Y(0, max))}\" stroke=\"#666\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{F(Y(0, max))}\" y2=\"{F(Y(0, max))}\" stroke=\"#666\"/>");
        for (var k = 0; k <= 4; k++)
        {
            var v = max * k / 4;
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 4}\" y=\"{F(Y(v, max) + 4)}\" font-size=\"10\" text-anchor=\"end\">{Esc(tick(v))}</text>");
        }
    }

    private static string Close(StringBuilder sb) => sb.Append("</svg>").ToString();
}
