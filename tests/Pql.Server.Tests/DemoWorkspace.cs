using Pql.Cli;

namespace Pql.Server.Tests;

/// <summary>A small generated demo world, trained and scored once (pql demo), copied fresh for each test that changes it.</summary>
public static class DemoWorkspace
{
    private static readonly Lazy<string> s_template = new(() =>
    {
        var dir = Path.Combine(Directory.CreateTempSubdirectory("pql-serve-template-").FullName, "ws");
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CliApp.Run(["demo", "--out", dir, "--accounts", "300", "--days", "120"], output, error);
        if (!File.Exists(Path.Combine(dir, ".pql", "state.db")))
            throw new InvalidOperationException($"pql demo failed ({code}): {error}");
        return dir;
    });

    /// <summary>A fresh copy of the trained demo workspace.</summary>
    public static string Copy()
    {
        var target = Path.Combine(Directory.CreateTempSubdirectory("pql-serve-").FullName, "ws");
        CopyDirectory(s_template.Value, target);
        return target;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.GetDirectories(from))
            CopyDirectory(dir, Path.Combine(to, Path.GetFileName(dir)));
    }
}
