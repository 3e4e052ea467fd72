using Pql.Core.Application;

namespace Pql.App.Tests;

/// <summary>
/// <c>pql bench scale</c> on a few thousand events: every approach runs and computes the same matrix (equal checksums and row counts).
/// DuckDB and memory always; ClickHouse on one and two shards when PQL_TEST_CH names the nodes. No timing is asserted.
/// </summary>
public sealed class BenchScaleTests : IDisposable
{
    private const string ClickHouseVariable = "PQL_TEST_CH";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pql-bench-scale-test-" + Guid.NewGuid().ToString("N"));
    private readonly string _table = "pql_scale_test_" + Guid.NewGuid().ToString("N");

    private static string? ClickHouse => Environment.GetEnvironmentVariable(ClickHouseVariable) is { Length: > 0 } v ? v : null;

    private static bool TwoNodes => ClickHouse?.Split(',', StringSplitOptions.RemoveEmptyEntries).Length > 1;

    [Fact]
    public void Every_approach_prints_a_line_with_the_same_checksum_and_row_count()
    {
        string[] approaches = ClickHouse is null ? ["duckdb", "memory"] : TwoNodes ? ["duckdb", "clickhouse-1", "clickhouse-2", "memory"] : ["duckdb", "clickhouse-1", "memory"];
        string[] args = ["bench", "scale", "--events", "3000", "--cutoffs", "3", "--folder", _folder, "--in-process", "--approaches", string.Join(",", approaches),
            "--duckdb-memory-mb", "256", "--clickhouse-table", _table, "--drop-tables", .. ClickHouse is { } ch ? ["--clickhouse", ch] : Array.Empty<string>()];
        var output = new StringWriter();
        var error = new StringWriter();

        var code = Pql.Cli.CliApp.Run(args, output, error);

        Assert.True(code == 0, error.ToString());
        var text = output.ToString();
        Assert.Contains("checksums: equal", text);
        var rows = approaches.Select(a => text.Split('\n').Single(l => l.StartsWith(a + " ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.All(rows, r => Assert.Matches("^[0-9a-f]{16}$", r[^1]));   // ran: a checksum, not a "not run" reason
        Assert.Single(rows.Select(r => r[^1]).Distinct());
        Assert.Single(rows.Select(r => r[4]).Distinct());                  // rows
        Assert.True(int.Parse(rows[0][4], System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Contains("memory: 24 B/event resident", text);
        Assert.Contains("duckdb: memory_limit 0.2 GB", text);
    }

    [Fact]
    public void Each_approach_in_its_own_process_reports_its_own_peak_and_the_same_matrix()
    {
        var self = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "pql.exe" : "pql");
        Assert.True(File.Exists(self), $"{self}: the pql apphost is copied beside the tests by the project reference");

        var result = BenchScaleService.Run(new BenchScaleRequest
        {
            Events = 3000, Cutoffs = 2, Folder = _folder, Approaches = ["duckdb", "memory"], DuckDbMemoryLimitBytes = 256L << 20, SelfCommand = [self],
        });

        Assert.True(result.ChildProcesses);
        Assert.All(result.Approaches, a => Assert.True(a.NotRun is null, $"{a.Approach}: {a.NotRun}"));
        Assert.All(result.Approaches, a => Assert.True(a.PeakIsOwn && a.PeakRssBytes >= a.BaseRssBytes && a.BaseRssBytes > 0, $"{a.Approach}: peak {a.PeakRssBytes}, base {a.BaseRssBytes}"));
        Assert.True(result.ChecksumsAgree);
        Assert.Single(result.Approaches.Select(a => (a.Rows, a.Columns)).Distinct());
        Assert.True(result.World.Events > 0 && result.Approaches[0].Rows > 0);
    }

    [Fact]
    public void A_child_ends_when_its_lifeline_from_the_parent_closes_and_not_before()
    {
        using var parent = new System.IO.Pipes.AnonymousPipeServerStream(System.IO.Pipes.PipeDirection.Out);
        using var child = new System.IO.Pipes.AnonymousPipeClientStream(System.IO.Pipes.PipeDirection.In, parent.ClientSafePipeHandle);
        using var closed = new ManualResetEventSlim();

        var watcher = BenchScaleChild.WatchLifeline(child, closed.Set);
        parent.Write([1, 2, 3]);   // stray bytes are not the end
        parent.Flush();

        Assert.False(closed.Wait(200));
        parent.Dispose();           // the parent goes
        Assert.True(closed.Wait(TimeSpan.FromSeconds(30)), "the watcher did not see the pipe close");
        Assert.True(watcher.Join(TimeSpan.FromSeconds(30)));
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }
}
