using System.Runtime.InteropServices;

namespace Pql.Core.Ingest;

/// <summary>
/// CPU time of the calling thread (Linux: <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>; zero elsewhere), for the per-stage
/// figures of a load's verbose log: on a crowded machine wall time says little, a thread's CPU time says where the work is.
/// </summary>
internal static partial class ThreadCpu
{
    private const int ClockThreadCpuTime = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out Timespec time);

    /// <summary>The calling thread's CPU time so far, in ticks (100 ns).</summary>
    public static long Ticks()
    {
        if (!OperatingSystem.IsLinux() || ClockGetTime(ClockThreadCpuTime, out var t) != 0)
            return 0;
        return t.Seconds * TimeSpan.TicksPerSecond + t.Nanoseconds / 100;
    }
}
