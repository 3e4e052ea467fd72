using Pql.Core.Workspace;

namespace Pql.Core.Features;

/// <summary>
/// Per-thread scratch of the metric family for one (entity, cutoff): one pass over the entity's metric rows of whole days before
/// the cutoff's day (the rows are sorted by day), summing each metric group's rows of a day into its daily value and adding that
/// value, per window level, to count, sum and the sums a least-squares slope needs. Windows are nested, so a window's figures are
/// the sums of its level and the shorter ones. Nothing is allocated per row.
/// </summary>
internal sealed class MetricSketch
{
    private readonly FeaturePlan _plan;
    private readonly int _levels;
    private readonly long[] _windowDays;
    private readonly int[] _n;
    private readonly double[] _sum;
    private readonly double[] _sx;
    private readonly double[] _sxx;
    private readonly double[] _sxy;
    private readonly long[] _day;
    private readonly double[] _dayValue;
    private readonly long[] _lastDay;
    private readonly double[] _lastValue;
    private long _cutoffDay;

    public MetricSketch(FeaturePlan plan)
    {
        _plan = plan;
        _levels = plan.Levels;
        _windowDays = [.. plan.WindowMs.Select(w => w / FeaturePlan.DayMs)];
        var cells = plan.MetricGroups * _levels;
        _n = new int[cells];
        _sum = new double[cells];
        _sx = new double[cells];
        _sxx = new double[cells];
        _sxy = new double[cells];
        _day = new long[plan.MetricGroups];
        _dayValue = new double[plan.MetricGroups];
        _lastDay = new long[plan.MetricGroups];
        _lastValue = new double[plan.MetricGroups];
    }

    /// <summary>Reads the rows of an account (every row, its users' included) or of one user, of days before the cutoff's day.</summary>
    public void Scan(int entity, long cutoff)
    {
        Reset();
        var store = _plan.Store;
        var metrics = store.Metrics;
        _cutoffDay = FeatureFormulas.FloorDay(cutoff);
        var ofUser = _plan.Entity == EntityKind.User;
        var (start, end) = metrics.RowsOf(ofUser ? store.UserAccount[entity] : entity);
        var days = metrics.Day;
        var names = metrics.Name;
        var users = metrics.User;
        var values = metrics.Value;
        var groupOf = _plan.MetricGroupOf;
        for (var i = start; i < end && days[i] < _cutoffDay; i++)
        {
            if (ofUser && users[i] != entity)
                continue;
            var g = groupOf[names[i]];
            if (g < 0)
                continue;
            if (days[i] != _day[g])
            {
                Close(g);
                _day[g] = days[i];
            }
            _dayValue[g] += values[i];
        }
        for (var g = 0; g < _day.Length; g++)
            Close(g);
    }

    /// <summary>Adds the group's open day (if any) to its window level.</summary>
    private void Close(int g)
    {
        var day = _day[g];
        if (day == FeatureFormulas.None)
            return;
        var back = _cutoffDay - day; // 1 for the day before the cutoff's day
        var level = 0;
        while (level < _windowDays.Length && back > _windowDays[level])
            level++;
        var v = _dayValue[g];
        double x = -back;
        var idx = g * _levels + level;
        _n[idx]++;
        _sum[idx] += v;
        _sx[idx] += x;
        _sxx[idx] += x * x;
        _sxy[idx] += x * v;
        _lastDay[g] = day;
        _lastValue[g] = v;
        _day[g] = FeatureFormulas.None;
        _dayValue[g] = 0;
    }

    private void Reset()
    {
        Array.Clear(_n);
        Array.Clear(_sum);
        Array.Clear(_sx);
        Array.Clear(_sxx);
        Array.Clear(_sxy);
        Array.Fill(_day, FeatureFormulas.None);
        Array.Clear(_dayValue);
        Array.Fill(_lastDay, FeatureFormulas.None);
    }

    public double Value(in CompiledColumn c)
    {
        var g = c.A;
        switch (c.Aggregation)
        {
            case Aggregation.MetricLast: return _lastDay[g] == FeatureFormulas.None ? double.NaN : _lastValue[g];
            case Aggregation.MetricDaysSinceLast: return _lastDay[g] == FeatureFormulas.None ? double.NaN : _cutoffDay - _lastDay[g];
        }
        int n = 0;
        double sum = 0, sx = 0, sxx = 0, sxy = 0;
        for (var l = 0; l <= c.Level; l++)
        {
            var idx = g * _levels + l;
            n += _n[idx];
            sum += _sum[idx];
            sx += _sx[idx];
            sxx += _sxx[idx];
            sxy += _sxy[idx];
        }
        switch (c.Aggregation)
        {
            case Aggregation.MetricSum: return sum;
            case Aggregation.MetricMean: return n == 0 ? double.NaN : sum / n;
            default:
            {
                var denominator = n * sxx - sx * sx;
                return n < 2 || denominator <= 0 ? double.NaN : (n * sxy - sx * sum) / denominator;
            }
        }
    }
}
