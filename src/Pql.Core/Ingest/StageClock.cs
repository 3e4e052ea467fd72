using System.Diagnostics;
using System.Globalization;

namespace Pql.Core.Ingest;

/// <summary>
/// The per-stage figures of one file's load for the verbose log: the loading thread's wall and CPU time, what the parallel reader
/// says of its threads (<see cref="ParseTimings"/>), and the garbage collections meanwhile. CPU seconds hold on a crowded machine
/// where wall seconds do not, so they are the figures to compare.
/// </summary>
internal readonly struct StageClock
{
    private readonly long _wall;
    private readonly long _cpu;
    private readonly int _gen0;
    private readonly int _gen2;
    private readonly TimeSpan _pause;
    private readonly TimeSpan _processCpu;

    private StageClock(long wall, long cpu, int gen0, int gen2, TimeSpan pause, TimeSpan processCpu)
    {
        _processCpu = processCpu;
        _wall = wall;
        _cpu = cpu;
        _gen0 = gen0;
        _gen2 = gen2;
        _pause = pause;
    }

    public static StageClock Start() =>
        new(Stopwatch.GetTimestamp(), ThreadCpu.Ticks(), GC.CollectionCount(0), GC.CollectionCount(2), GC.GetTotalPauseDuration(), ProcessCpu());

    private static TimeSpan ProcessCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    /// <summary>One stage of a load (accounts, users, sorting): its wall time, the calling thread's and the process's CPU.</summary>
    public string Describe(string stage) => string.Create(CultureInfo.InvariantCulture,
        $"{stage}: {Stopwatch.GetElapsedTime(_wall).TotalSeconds:F2} s; loading thread CPU {TimeSpan.FromTicks(ThreadCpu.Ticks() - _cpu).TotalSeconds:F2} s, process CPU {(ProcessCpu() - _processCpu).TotalSeconds:F2} s") + Collections();

    private string Collections() => string.Create(CultureInfo.InvariantCulture,
        $"; GC: {GC.CollectionCount(0) - _gen0} collections ({GC.CollectionCount(2) - _gen2} full), paused {(GC.GetTotalPauseDuration() - _pause).TotalSeconds:F2} s");

    public string Describe(string file, long rows, ParseTimings? parse)
    {
        var wall = Stopwatch.GetElapsedTime(_wall).TotalSeconds;
        var cpu = TimeSpan.FromTicks(ThreadCpu.Ticks() - _cpu).TotalSeconds;
        var text = string.Create(CultureInfo.InvariantCulture,
            $"{file}: {rows:N0} rows in {wall:F2} s; loading thread CPU {cpu:F2} s");
        if (parse is not null)
        {
            var cut = Stopwatch.GetElapsedTime(0, parse.CutTicks).TotalSeconds;
            var wait = Stopwatch.GetElapsedTime(0, parse.WaitTicks).TotalSeconds;
            text += string.Create(CultureInfo.InvariantCulture,
                $" (cutting blocks {cut:F2} s, waiting for parsed blocks {wait:F2} s); parsing threads CPU {TimeSpan.FromTicks(parse.ParseCpuTicks).TotalSeconds:F2} s in {parse.Blocks:N0} blocks; inflating thread CPU {TimeSpan.FromTicks(parse.InflateCpuTicks).TotalSeconds:F2} s");
        }
        return text + string.Create(CultureInfo.InvariantCulture, $"; process CPU {(ProcessCpu() - _processCpu).TotalSeconds:F2} s") + Collections();
    }
}
