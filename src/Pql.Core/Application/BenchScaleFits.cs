using System.Diagnostics;
using System.Globalization;

namespace Pql.Core.Application;

/// <summary>
/// The machine's memory and disk, and where each approach stops fitting on it, estimated from the figures the run measured (peak
/// resident memory per event in memory, bytes on disk per event for the engines). Estimates, labelled as such, not guarantees.
/// </summary>
internal static class BenchScaleFits
{
    /// <summary>Resident bytes per event of the in-memory store (account, user, time, event, product).</summary>
    private const int StoreBytesPerEvent = 24;

    /// <summary>The process's peak resident memory (VmHWM), or the runtime's peak working set where /proc is missing.</summary>
    public static long PeakRssBytes() => ProcKilobytes("/proc/self/status", "VmHWM:") ?? PeakWorkingSet();

    /// <summary>The process's resident memory now (VmRSS).</summary>
    public static long CurrentRssBytes() => ProcKilobytes("/proc/self/status", "VmRSS:") ?? Environment.WorkingSet;

    public static long MachineRamBytes() => ProcKilobytes("/proc/meminfo", "MemTotal:") ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>Memory free for a new process now (other processes on the machine use the rest).</summary>
    public static long AvailableRamBytes() => ProcKilobytes("/proc/meminfo", "MemAvailable:") ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    public static long FreeDiskBytes(string folder) => new DriveInfo(Path.GetFullPath(folder)).AvailableFreeSpace;

    public static List<ScaleFit> Lines(IReadOnlyList<ScaleApproachResult> results, BenchScaleWorldInfo world, long ram, long disk, BenchScaleRequest request)
    {
        var lines = new List<ScaleFit>();
        foreach (var r in results)
        {
            if (Line(r, world, ram, disk, request) is { } line)
                lines.Add(new ScaleFit(r.Approach, line));
        }
        return lines;
    }

    private static string? Line(ScaleApproachResult r, BenchScaleWorldInfo world, long ram, long disk, BenchScaleRequest request)
    {
        if (r.Approach == BenchScaleApproaches.Memory)
        {
            var measured = r.NotRun is null && r.PeakIsOwn && r.Events > 0;
            var perEvent = measured ? (double)(r.PeakRssBytes - r.BaseRssBytes) / r.Events : BenchScaleApproaches.MemoryPeakBytesPerEventEstimate;
            var how = measured ? Inv($"measured: peak {r.PeakRssBytes >> 20:N0} MB less {r.BaseRssBytes >> 20:N0} MB at start, over {r.Events:N0} events; small worlds overstate it") : "estimated";
            return Inv($"memory: {StoreBytesPerEvent} B/event resident in the store, {perEvent:F0} B/event at the peak of load + matrix ({how}): about {(ram - r.BaseRssBytes) / perEvent / 1e6:N0}M events fit in this machine's {Gb(ram)} of RAM (if nothing else runs)");
        }
        if (r.NotRun is not null)
            return null;
        var stored = r.Events > 0 ? (double)r.StorageBytes / r.Events : 0;
        var events = stored > 0 ? Inv($"about {disk / stored / 1e6:N0}M events in the {Gb(disk)} of free disk") : "disk not measured";
        var matrix = (double)r.Rows * r.Columns * sizeof(float);
        if (r.Approach == BenchScaleApproaches.DuckDb)
        {
            return Inv($"duckdb: memory_limit {Gb(request.DuckDbMemoryLimitBytes)}, process peak {Gb(r.PeakRssBytes)} (the matrix itself {Gb((long)matrix)}); the events stay on disk ({stored:F1} B/event as gzip CSV, plus DuckDB's spill while it runs): {events}");
        }
        return Inv($"{r.Approach}: {stored:F1} B/event on disk in ClickHouse parts over {r.Shards} shard(s): {events} of this machine; the client peaks at {Gb(r.PeakRssBytes)} (the servers' memory is theirs, not measured here)");
    }

    private static string Gb(long bytes) => Inv($"{bytes / (double)(1L << 30):F1} GB");

    private static long? ProcKilobytes(string file, string key)
    {
        if (!File.Exists(file))
            return null;
        foreach (var line in File.ReadLines(file))
        {
            if (!line.StartsWith(key, StringComparison.Ordinal))
                continue;
            var number = line[key.Length..].Trim().Split(' ')[0];
            return long.TryParse(number, NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : null;
        }
        return null;
    }

    private static long PeakWorkingSet()
    {
        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
