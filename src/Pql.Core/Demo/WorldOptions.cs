using System.Globalization;
using Pql.Core.Workspace;

namespace Pql.Core.Demo;

/// <summary>
/// What demo world to generate. The defaults (2,000 accounts over 180 days, a few hundred thousand events)
/// suit <c>pql demo</c>; 40,000 accounts give about ten million events and 100,000 about twenty-five million.
/// The same options always produce the same bytes, whatever the thread count.
/// </summary>
public sealed record WorldOptions
{
    /// <summary>Number of accounts. Default 2,000.</summary>
    public int Accounts { get; init; } = 2_000;
    /// <summary>Length of the simulated period in days, ending at <see cref="End"/>. Default 180.</summary>
    public int Days { get; init; } = 180;
    /// <summary>Seed of every random choice. Default 42.</summary>
    public long Seed { get; init; } = 42;
    /// <summary>End of the period (exclusive, 00:00 UTC). Default 2026-11-01, fixed so output is reproducible.</summary>
    public DateOnly End { get; init; } = new(2026, 11, 1);
    /// <summary>Share of event rows that are dirty like real exports (bad timestamps, unknown users, ...). Default 0.02.</summary>
    public double DirtyShare { get; init; } = 0.02;
    /// <summary>The workspace folder to write (created when missing; the generated files are overwritten).</summary>
    public string OutputDirectory { get; init; } = "demo-world";
    /// <summary>Worker threads; null uses every core. Never changes the output.</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>Throws <see cref="PqlInputException"/> naming the first bad option and how to fix it.</summary>
    public void Validate()
    {
        if (Accounts is < 1 or > 10_000_000)
            throw new PqlInputException($"--accounts: {Accounts} must be between 1 and 10,000,000");
        if (Days is < 14 or > 3_650)
            throw new PqlInputException($"--days: {Days} must be between 14 and 3,650 (the goals need a few weeks of history)");
        if (End.DayNumber - Days < new DateOnly(1971, 1, 1).DayNumber)
            throw new PqlInputException($"--end: {End.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} minus {Days} days is before 1971");
        if (End.Year > 9000)
            throw new PqlInputException($"--end: {End.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} is too far in the future");
        if (double.IsNaN(DirtyShare) || DirtyShare is < 0 or > 0.5)
            throw new PqlInputException($"--dirty: {DirtyShare.ToString(CultureInfo.InvariantCulture)} must be a share between 0 and 0.5 (e.g. 0.02)");
        if (string.IsNullOrWhiteSpace(OutputDirectory))
            throw new PqlInputException("--out: an output folder is required");
        if (MaxDegreeOfParallelism is < 1)
            throw new PqlInputException($"--threads: {MaxDegreeOfParallelism} must be at least 1");
    }

    /// <summary>Start of the period, Unix milliseconds.</summary>
    internal long StartMs => EndMs - Days * 86_400_000L;

    internal long EndMs => new DateTimeOffset(End.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
}
