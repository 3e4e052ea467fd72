using System.Diagnostics;

namespace Pql.Core.Tests.Playbooks;

/// <summary>
/// Runs the real <c>pql</c> CLI (<c>dotnet pql.dll ...</c>) as a child process, for tests that must kill it or run several at once.
/// The test project references the CLI project, so the build copies pql.dll (and the Pql.Core.dll under test) beside the tests;
/// no test builds anything.
/// </summary>
internal static class PqlCliProcess
{
    public static string Dll { get; } = Path.Combine(AppContext.BaseDirectory, "pql.dll");

    public static Process Start(IReadOnlyDictionary<string, string> environment, params string[] args) => Start(environment, null, args);

    public static Process Start(IReadOnlyDictionary<string, string> environment, List<string>? output, params string[] args)
    {
        if (!File.Exists(Dll))
            throw new InvalidOperationException($"{Dll} is missing: the test project must reference src/Pql.Cli so its output is copied here");
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
}
