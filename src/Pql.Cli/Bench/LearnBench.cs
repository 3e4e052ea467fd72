using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pql.Core.Workspace;

namespace Pql.Cli.Bench;

/// <summary>One learner's figures on one file: wall and CPU seconds of training and prediction, and test metrics.</summary>
internal sealed record SideResult(double TrainSeconds, double PredictSeconds, double RocAuc, double PrAuc, double TrainCpuSeconds)
{
    public int TestRows { get; init; }
}

/// <summary>The three learners' figures on one size, with the machine's load before and after.</summary>
internal sealed record LearnBenchSize(string Size, SideResult Engine, SideResult LightGbm, SideResult Xgboost, double LoadBefore, double LoadAfter);

/// <summary>
/// <c>pql bench learn</c>: our GBDT, LightGBM (C API) and XGBoost hist (../shared/peers/gbdt_peer.py) trained on the same
/// files with the same settings and threads, each in its own child process with idle spinning off.
/// </summary>
internal static class LearnBench
{
    private const string Python = "/usr/bin/python3";

    public static IReadOnlyList<LearnBenchSize> Run(IEnumerable<string> sizes, int threads, Action<string> progress)
    {
        var peers = FindPeers(Directory.GetCurrentDirectory());
        var result = new List<LearnBenchSize>();
        foreach (var size in sizes)
        {
            var (train, test) = EnsureData(peers, size, progress);
            var load0 = LoadAverage();
            progress($"{size}: training ours");
            var ours = RunLearn(train, test, threads, "gbdt");
            progress($"{size}: training LightGBM");
            var lgbm = RunLearn(train, test, threads, "lightgbm");
            progress($"{size}: training XGBoost");
            var xgb = RunXgboost(peers, train, test, threads);
            result.Add(new LearnBenchSize(size, ours, lgbm, xgb, load0, LoadAverage()));
        }
        return result;
    }

    /// <summary>
    /// Runs <c>pql learn --model gbdt|lightgbm</c> in a child process, as the XGBoost peer runs in its own, with idle
    /// spinning off: the .NET thread pool's (DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0) and OpenMP's for LightGBM
    /// (OMP_WAIT_POLICY=PASSIVE, as for XGBoost).
    /// </summary>
    private static SideResult RunLearn(string train, string test, int threads, string model)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("cannot locate the running pql executable");
        var args = new List<string>();
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
            args.Add(typeof(LearnBench).Assembly.Location);
        args.AddRange(["learn", "--train", train, "--test", test, "--label", "converted", "--id", "lead_id", "--threads", threads.ToString(CultureInfo.InvariantCulture), "--model", model]);
        var output = Run(host, [.. args], new Dictionary<string, string> { ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0", ["OMP_WAIT_POLICY"] = "PASSIVE" });
        foreach (var line in output.Split('\n'))
        {
            if (!line.StartsWith('{'))
                continue;
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            return new SideResult(root.GetProperty("train_seconds").GetDouble(), root.GetProperty("predict_seconds").GetDouble(),
                root.GetProperty("roc_auc").GetDouble(), root.GetProperty("pr_auc").GetDouble(), root.GetProperty("train_cpu_seconds").GetDouble())
            { TestRows = root.GetProperty("test_rows").GetInt32() };
        }
        throw new InvalidOperationException($"pql learn printed no result:\n{output}");
    }

    private static string FindPeers(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "peers");
            if (File.Exists(Path.Combine(candidate, "gbdt_peer.py")))
                return candidate;
        }
        throw new PqlInputException($"cannot find shared/peers/gbdt_peer.py above {start}; run from inside the repository next to ../shared");
    }

    private static (string Train, string Test) EnsureData(string peers, string size, Action<string> progress)
    {
        var rows = size switch
        {
            "100k" => 100_000,
            "1m" => 1_000_000,
            _ => throw new PqlInputException($"--sizes: '{size}' is not 100k or 1m"),
        };
        var stem = Path.Combine(Path.GetTempPath(), $"bench_{size}");
        var train = stem + ".train.csv";
        var test = stem + ".test.csv";
        if (!File.Exists(train) || !File.Exists(test))
        {
            progress($"generating {train} and {test}");
            _ = Run(Python, [Path.Combine(peers, "make_bench_data.py"), "--rows", rows.ToString(CultureInfo.InvariantCulture), "--features", "50",
                "--seed", "42", "--out", stem + ".csv", "--train-out", train, "--test-out", test, "--test-frac", "0.2"], null);
        }
        return (train, test);
    }

    private static SideResult RunXgboost(string peers, string train, string test, int threads)
    {
        var output = Run(Python, [Path.Combine(peers, "gbdt_peer.py"), "--train", train, "--test", test, "--label", "converted",
            "--id", "lead_id", "--models", "xgb", "--threads", threads.ToString(CultureInfo.InvariantCulture)],
            new Dictionary<string, string> { ["OMP_WAIT_POLICY"] = "PASSIVE" });
        foreach (var line in output.Split('\n'))
        {
            if (!line.StartsWith('{'))
                continue;
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (root.TryGetProperty("model", out var m) && m.GetString() == "xgb")
                return new SideResult(root.GetProperty("train_s").GetDouble(), root.GetProperty("predict_s").GetDouble(),
                    root.GetProperty("roc_auc").GetDouble(), root.GetProperty("pr_auc").GetDouble(), root.GetProperty("train_cpu_s").GetDouble());
        }
        throw new InvalidOperationException($"the XGBoost peer printed no result:\n{output}");
    }

    private static string Run(string file, string[] args, Dictionary<string, string>? env)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        if (env is not null)
        {
            foreach (var (k, v) in env)
                psi.Environment[k] = v;
        }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{string.Join(' ', args.Take(2))} failed (exit {process.ExitCode}): {stderr.Result.Trim()}");
        return stdout;
    }

    private static double LoadAverage()
    {
        try
        {
            var text = File.ReadAllText("/proc/loadavg");
            return double.Parse(text.Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return double.NaN;
        }
    }
}
