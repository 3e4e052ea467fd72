using System.Diagnostics;

namespace Pql.Core.Tests.Playbooks;

/// <summary>
/// Runs the real <c>pql</c> CLI (<c>dotnet pql.dll ...</c>) as a child process, for tests that must kill it.
/// The CLI is the one built beside this test assembly's configuration; it is (re)built when missing or when its
/// Pql.Core.dll differs from the one under test, so the child always runs the code being tested.
/// </summary>
internal static class PqlCliProcess
{
    private static readonly Lazy<string> s_dll = new(Locate);

    public static string Dll => s_dll.Value;

    public static Process Start(IReadOnlyDictionary<string, string> environment, params string[] args) => Start(environment, null, args);

    public static Process Start(IReadOnlyDictionary<string, string> environment, List<string>? output, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Dll);
        foreach (var a in args)
            info.ArgumentList.Add(a);
        info.Environment["CI"] = "1";
        info.Environment["DOTNET_TieredPGO"] = "0";
        foreach (var (k, v) in environment)
            info.Environment[k] = v;
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => Collect(output, e.Data);
        process.ErrorDataReceived += (_, e) => Collect(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Collect(List<string>? output, string? line)
    {
        if (output is null || line is null)
            return;
        lock (output)
            output.Add(line);
    }

    private static string Locate()
    {
        var testDir = AppContext.BaseDirectory;
        var framework = new DirectoryInfo(testDir).Name;                      // net10.0
        var configuration = new DirectoryInfo(testDir).Parent!.Name;          // Debug / Release
        var root = new DirectoryInfo(testDir);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Pql.slnx")))
            root = root.Parent;
        if (root is null)
            throw new InvalidOperationException($"no Pql.slnx above {testDir}");
        var cliDir = Path.Combine(root.FullName, "src", "Pql.Cli", "bin", configuration, framework);
        var dll = Path.Combine(cliDir, "pql.dll");
        if (!File.Exists(dll) || !SameBytes(Path.Combine(testDir, "Pql.Core.dll"), Path.Combine(cliDir, "Pql.Core.dll")))
        {
            var build = Process.Start(new ProcessStartInfo("dotnet", ["build", Path.Combine(root.FullName, "src", "Pql.Cli", "Pql.Cli.csproj"), "-c", configuration, "--nologo", "-v", "q"])
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            })!;
            var output = build.StandardOutput.ReadToEnd();
            build.WaitForExit();
            if (build.ExitCode != 0)
                throw new InvalidOperationException($"building the CLI failed:\n{output}");
        }
        return dll;
    }

    private static bool SameBytes(string a, string b) =>
        File.Exists(a) && File.Exists(b) && File.ReadAllBytes(a).AsSpan().SequenceEqual(File.ReadAllBytes(b));
}
