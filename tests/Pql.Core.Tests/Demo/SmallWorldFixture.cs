using Pql.Core.Demo;

namespace Pql.Core.Tests.Demo;

/// <summary>One small generated world shared by the contract and signal tests (generated once per test class).</summary>
public sealed class SmallWorldFixture : IDisposable
{
    public SmallWorldFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "pql-world-" + Guid.NewGuid().ToString("N"));
        Options = new WorldOptions { Accounts = 1_500, Days = 150, Seed = 11, DirtyShare = 0.02, OutputDirectory = Directory };
        Result = WorldGenerator.Generate(Options);
        (AccountsHeader, Accounts) = CsvTestReader.Read(Result.AccountsPath);
        (UsersHeader, Users) = CsvTestReader.Read(Result.UsersPath);
        (EventsHeader, Events) = CsvTestReader.Read(Result.EventsPath);
    }

    public string Directory { get; }
    public WorldOptions Options { get; }
    public WorldResult Result { get; }
    internal string[] AccountsHeader { get; }
    internal List<CsvRow> Accounts { get; }
    internal string[] UsersHeader { get; }
    internal List<CsvRow> Users { get; }
    internal string[] EventsHeader { get; }
    internal List<CsvRow> Events { get; }

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
            System.IO.Directory.Delete(Directory, recursive: true);
    }
}
