using System.IO.Compression;
using System.Text;
using Pql.Core.Workspace;

namespace Pql.Core.Tests;

/// <summary>A throwaway workspace folder with files written by the test; deleted on dispose.</summary>
internal sealed class TestWorkspace : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("pql-ws-").FullName;

    public TestWorkspace File(string name, string content)
    {
        var path = Path.Combine(Dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, content);
        return this;
    }

    public TestWorkspace Gzip(string name, string content)
    {
        using var file = System.IO.File.Create(Path.Combine(Dir, name));
        using var gz = new GZipStream(file, CompressionLevel.Fastest);
        gz.Write(Encoding.UTF8.GetBytes(content));
        return this;
    }

    public string PathOf(string name) => Path.Combine(Dir, name);

    public WorkspaceConfig Config(string yaml)
    {
        File("pql.yaml", yaml);
        return ConfigLoader.Load(Dir);
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);

    /// <summary>The repository's examples/ folder.</summary>
    public static string Example(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !System.IO.File.Exists(Path.Combine(dir.FullName, "Pql.slnx")))
            dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new DirectoryNotFoundException("Pql.slnx not found"), "examples", name);
    }
}
