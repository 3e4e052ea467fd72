using System.IO.Compression;
using Pql.Core.Demo;
using Pql.Core.Features;
using Pql.Core.Ingest;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Ingest;

/// <summary><c>engine.memory_budget</c>: the in-memory engine stops before loading past it; DuckDB gets it as its memory limit.</summary>
public sealed class MemoryBudgetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-budget-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void Generate() =>
        WorldGenerator.Generate(new WorldOptions { Accounts = 120, Days = 90, Seed = 5, DirtyShare = 0.02, OutputDirectory = _dir, MaxDegreeOfParallelism = 1 });

    private void Engine(string section) =>
        File.WriteAllText(Path.Combine(_dir, "pql.yaml"), File.ReadAllText(Path.Combine(_dir, "pql.yaml")) + "\n" + section + "\n");

    [Fact]
    public void The_row_estimate_of_gzip_and_plain_event_files_is_within_a_fifth_of_the_rows_read()
    {
        Generate();
        var config = ConfigLoader.Load(_dir);
        var read = WorkspaceLoader.Load(config, new LoadOptions { Snapshot = false, WriteRejects = false }).Report.Files.Where(f => f.Table == "events").Sum(f => f.Read);
        var gzipped = LoadEstimate.Of(config).EventRows;
        // The same rows uncompressed, split over two files of one glob.
        var plain = Path.Combine(_dir, "plain");
        Directory.CreateDirectory(plain);
        using (var gz = new GZipStream(File.OpenRead(Path.Combine(_dir, "events.csv.gz")), CompressionMode.Decompress))
        using (var reader = new StreamReader(gz))
        {
            var header = reader.ReadLine()!;
            var lines = new List<string>();
            while (reader.ReadLine() is { } line)
                lines.Add(line);
            var half = lines.Count / 2;
            File.WriteAllLines(Path.Combine(plain, "a.csv"), [header, .. lines.Take(half)]);
            File.WriteAllLines(Path.Combine(plain, "b.csv"), [header, .. lines.Skip(half)]);
        }
        var table = config.Data.Events[0] with { Paths = [Path.Combine(plain, "a.csv"), Path.Combine(plain, "b.csv")], Format = null };

        Assert.True(read > 5_000, $"{read} rows read");
        Assert.InRange(gzipped, read * 0.8, read * 1.2);
        Assert.InRange(LoadEstimate.TableRows(table), read * 0.8, read * 1.2);
        Assert.Equal(LoadEstimate.BaseBytes + gzipped * LoadEstimate.PeakBytesPerEvent, LoadEstimate.Of(config).Bytes);
    }

    [Fact]
    public void The_row_estimate_of_a_parquet_events_table_is_its_row_count()
    {
        Generate();
        var config = ConfigLoader.Load(_dir);
        var parquet = Path.Combine(_dir, "events.parquet");
        using (var db = new DuckDB.NET.Data.DuckDBConnection("DataSource=:memory:"))
        {
            db.Open();
            using var command = db.CreateCommand();
            command.CommandText = $"COPY (SELECT range AS event_id FROM range(1234)) TO '{parquet}' (FORMAT parquet)";
            command.ExecuteNonQuery();
        }
        var table = config.Data.Events[0] with { Paths = [parquet], Format = FileFormat.Parquet };

        // DuckDB sums the row groups' counts as a HUGEINT: the estimate must still read it (it sizes every Parquet load's event-id set).
        Assert.Equal(1234, LoadEstimate.TableRows(table));
    }

    [Fact]
    public void Past_the_budget_the_memory_engine_stops_before_loading_with_one_line_suggesting_duckdb()
    {
        Generate();
        Engine("engine: { kind: memory, memory_budget: 100MB }");
        var config = ConfigLoader.Load(_dir);

        var e = Assert.Throws<PqlInputException>(() => WorkspaceLoader.Load(config, new LoadOptions { PropertyKeys = FeatureConfig.Parse(config).PropertyKeysNeeded }));

        Assert.DoesNotContain('\n', e.Message);
        Assert.Matches(@"^pql\.yaml: the in-memory engine needs about \d+ MB for about [\d,]+ event rows, more than engine\.memory_budget 100 MB; compute features out of core with 'engine: \{ kind: duckdb, memory_budget: 100MB \}' or raise the budget$", e.Message);
        Assert.False(File.Exists(LoadSnapshot.PathOf(config)), "the load started");
        // Within the budget the same workspace loads.
        File.WriteAllText(Path.Combine(_dir, "pql.yaml"), File.ReadAllText(Path.Combine(_dir, "pql.yaml")).Replace("100MB", "1GB", StringComparison.Ordinal));
        Assert.True(WorkspaceLoader.Load(ConfigLoader.Load(_dir)).Store.EventCount > 5_000);
    }

    [Fact]
    public void The_budget_is_duckdbs_memory_limit_with_spilling_to_the_state_folder()
    {
        Generate();
        Engine("engine: { kind: duckdb, memory_budget: 300MB }");
        var config = ConfigLoader.Load(_dir);

        using var source = new Pql.Core.Features.Sql.DuckDbFeatureSource(config, config.Engine.MemoryBudgetBytes);

        Assert.Equal(300L << 20, ParseSize(source.Setting("memory_limit")), 3L << 20);
        Assert.Equal(Path.Combine(config.StateDirectory, "duckdb-tmp"), source.Setting("temp_directory"));
    }

    /// <summary>DuckDB prints a limit as e.g. "300.0 MiB".</summary>
    private static double ParseSize(string text)
    {
        var parts = text.Split(' ');
        var unit = parts[1] switch { "KiB" => 1 << 10, "MiB" => 1 << 20, "GiB" => 1L << 30, _ => 1 };
        return double.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) * unit;
    }
}
