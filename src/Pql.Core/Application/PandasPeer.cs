using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Pql.Core.Events;
using Pql.Core.Workspace;

namespace Pql.Core.Application;

/// <summary>
/// What the pandas peer did: <see cref="NotRun"/> says why it did not run (or failed); otherwise its load and feature seconds,
/// the matrix it built, its CPU seconds when it reported them, and whether the pandas 1.x shim was needed.
/// </summary>
public sealed record PandasPeerRun(string? NotRun, double LoadSeconds = 0, double FeatureSeconds = 0, long Rows = 0, long Columns = 0,
    double? CpuSeconds = null, bool Shimmed = false);

/// <summary>Runs ../shared/peers/pandas_features.py on a workspace's events file at the given cutoffs.</summary>
public static class PandasPeer
{
    public const string Script = "../shared/peers/pandas_features.py";

    public static PandasPeerRun Run(WorkspaceConfig config, long[] cutoffs, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(config);
        var script = Find();
        if (script is null || !PythonHasPandas())
            return new PandasPeerRun("not run (needs /usr/bin/python3 with pandas: apt-get install -y python3-pandas, and " + Script + ")");
        if (config.Data.Events.Append(config.Data.Users).FirstOrDefault(t => t?.Database is not null) is { Database: { } database })
            return new PandasPeerRun($"not run (it reads files; {database.Name} is a PostgreSQL table)");
        if (config.Data.Events is not [{ Paths: [var events] }])
            return new PandasPeerRun("not run (it reads one events file; the workspace has several)");
        var args = new List<string> { script, "--events", events, "--cutoffs", string.Join(',', cutoffs.Select(Timestamps.Format)) };
        if (config.Data.Users is { Origin: TableOrigin.Files, Paths: [var users, ..] })
            args.AddRange(["--users", users]);
        Log.Progress(log, "running the pandas peer");
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(PandasShim);
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start /usr/bin/python3");
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            return new PandasPeerRun($"failed (exit {p.ExitCode}): {stderr.Result.Trim().Split('\n').LastOrDefault()}");
        using var json = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        var root = json.RootElement;
        var cpuLine = stderr.Result.Split('\n').FirstOrDefault(l => l.StartsWith("pql-cpu ", StringComparison.Ordinal));
        double? cpu = cpuLine is not null && double.TryParse(cpuLine.AsSpan(8), NumberStyles.Float, CultureInfo.InvariantCulture, out var peerCpu)
            ? peerCpu
            : null;
        return new PandasPeerRun(null, root.GetProperty("load_seconds").GetDouble(), root.GetProperty("feature_seconds").GetDouble(),
            root.GetProperty("rows").GetInt64(), root.GetProperty("columns").GetInt64(), cpu,
            stderr.Result.Contains("pql-shim", StringComparison.Ordinal));
    }

    /// <summary>shared/peers/pandas_features.py in the current folder or any folder above it (../shared from the repository).</summary>
    private static string? Find()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "peers", "pandas_features.py");
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    /// <summary>
    /// Runs the peer script unchanged, except that on pandas &lt; 2.0 <c>to_datetime(format="ISO8601")</c> (a pandas 2 option
    /// that 1.x reads as a literal strptime format, turning every timestamp into NaT) is called without that format.
    /// </summary>
    private const string PandasShim = """
        import os, sys, runpy
        import pandas as pd
        if int(pd.__version__.split('.')[0]) < 2:
            _to_datetime = pd.to_datetime
            def _patched(*a, **k):
                if k.get('format') == 'ISO8601':
                    del k['format']
                return _to_datetime(*a, **k)
            pd.to_datetime = _patched
            print('pql-shim', file=sys.stderr)
        script = sys.argv[1]
        sys.argv = sys.argv[1:]
        try:
            runpy.run_path(script, run_name='__main__')
        finally:
            t = os.times()
            print('pql-cpu %.3f' % (t.user + t.system), file=sys.stderr)
        """;

    private static bool PythonHasPandas()
    {
        if (!File.Exists("/usr/bin/python3"))
            return false;
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("import pandas");
        using var p = Process.Start(psi);
        p?.WaitForExit();
        return p?.ExitCode == 0;
    }
}
