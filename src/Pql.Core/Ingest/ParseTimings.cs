namespace Pql.Core.Ingest;

/// <summary>
/// Where a parallel CSV read spent its time, for the verbose log (<see cref="EventFileLoader"/> prints it per file): the parsing
/// threads' CPU, and the loading thread's time cutting blocks (which includes waiting for inflated bytes) and waiting for parsed
/// blocks. Updated from the parsing threads, hence the interlocked adds.
/// </summary>
internal sealed class ParseTimings
{
    private long _parseCpuTicks;
    private int _blocks;

    public long ParseCpuTicks => Interlocked.Read(ref _parseCpuTicks);

    public int Blocks => Volatile.Read(ref _blocks);

    /// <summary>Stopwatch ticks the loading thread spent cutting blocks (reading the stream included).</summary>
    public long CutTicks { get; set; }

    /// <summary>Stopwatch ticks the loading thread waited for a parsed block.</summary>
    public long WaitTicks { get; set; }

    /// <summary>CPU of the inflating thread (TimeSpan ticks), when the file was gzip.</summary>
    public long InflateCpuTicks { get; set; }

    public void AddBlock(long cpuTicks)
    {
        Interlocked.Add(ref _parseCpuTicks, cpuTicks);
        Interlocked.Increment(ref _blocks);
    }
}
