using System.IO.Compression;
using Pql.Core.Demo;

namespace Pql.Core.Tests.Demo;

public sealed class WorldGeneratorTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "pql-gen-" + Guid.NewGuid().ToString("N"));

    private static readonly string[] s_files =
        [WorldGenerator.AccountsFile, WorldGenerator.UsersFile, WorldGenerator.EventsFile, "pql.yaml"];

    /// <summary>Small but several chunks, so threads really interleave.</summary>
    private WorldOptions Small(string name, long seed = 5, int? threads = 1) => new()
    {
        Accounts = 3 * 128 + 17,
        Days = 60,
        Seed = seed,
        OutputDirectory = Path.Combine(_root, name),
        MaxDegreeOfParallelism = threads,
    };

    [Fact]
    public void Generate_same_seed_twice_writes_identical_bytes()
    {
        var a = WorldGenerator.Generate(Small("a"));
        var b = WorldGenerator.Generate(Small("b"));

        foreach (var file in s_files)
            Assert.Equal(File.ReadAllBytes(Path.Combine(a.Directory, file)), File.ReadAllBytes(Path.Combine(b.Directory, file)));
    }

    [Fact]
    public void Generate_with_different_thread_counts_writes_identical_bytes()
    {
        var one = WorldGenerator.Generate(Small("one", threads: 1));
        var four = WorldGenerator.Generate(Small("four", threads: 4));
        var all = WorldGenerator.Generate(Small("all", threads: null));

        foreach (var file in s_files)
        {
            var expected = File.ReadAllBytes(Path.Combine(one.Directory, file));
            Assert.Equal(expected, File.ReadAllBytes(Path.Combine(four.Directory, file)));
            Assert.Equal(expected, File.ReadAllBytes(Path.Combine(all.Directory, file)));
        }
    }

    [Fact]
    public void Generate_different_seed_writes_a_different_world()
    {
        var a = WorldGenerator.Generate(Small("s5", seed: 5));
        var b = WorldGenerator.Generate(Small("s6", seed: 6));

        Assert.NotEqual(File.ReadAllBytes(a.EventsPath), File.ReadAllBytes(b.EventsPath));
        Assert.NotEqual(File.ReadAllBytes(a.AccountsPath), File.ReadAllBytes(b.AccountsPath));
    }

    [Fact]
    public void Events_file_is_multi_member_gzip_that_reads_whole()
    {
        var world = WorldGenerator.Generate(Small("gz"));

        var bytes = File.ReadAllBytes(world.EventsPath);
        var members = 0;
        for (var i = 0; i + 2 < bytes.Length; i++)
        {
            if (bytes[i] == 0x1f && bytes[i + 1] == 0x8b && bytes[i + 2] == 8)
                members++;
        }
        using var reader = new StreamReader(new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress));
        var lines = 0L;
        while (reader.ReadLine() is not null)
            lines++;

        Assert.True(members >= 5, $"expected a header member and four chunk members, found {members} gzip headers");
        Assert.Equal(world.EventRows + 1, lines);
        Assert.Equal(bytes.Length, world.EventsBytes);
    }

    [Fact]
    public void Generate_without_dirt_writes_no_dirty_rows()
    {
        var world = WorldGenerator.Generate(Small("clean") with { DirtyShare = 0 });

        var (_, rows) = CsvTestReader.Read(world.EventsPath);

        Assert.Equal(0, world.DirtyRows);
        Assert.DoesNotContain(rows, r => r[5].EndsWith('d') || r[2].StartsWith("ux", StringComparison.Ordinal));
        Assert.Equal(rows.Count, rows.Select(r => r[5]).Distinct().Count());
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
            Directory.Delete(_root, recursive: true);
    }
}
