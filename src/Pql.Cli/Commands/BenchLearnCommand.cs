using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pql.Core.Workspace;

namespace Pql.Cli.Commands;

/// <summary><c>pql bench learn</c>: our GBDT against XGBoost hist on the peers' synthetic files, in one run.</summary>
internal static class BenchLearnCommand
{
    private const string Python = "/usr/bin/python3";

    /// <summary>The <c>learn</c> subcommand of <c>pql bench</c>.</summary>
    public static Command Create()
    {
        var sizes = new Option<string>("--sizes") { Description = "Comma-separated sizes: 100k, 1m (default 100k).", DefaultValueFactory = _ => "100k" };
        var threads = new Option<int>("--threads") { Description = "Threads for both learners (default 2).", DefaultValueFactory = _ => 2 };
        var learn = new Command("learn",
            "Train our GBDT and XGBoost (hist, 200 trees, depth 6, eta 0.1, 256 bins) on the same files and print both with ratios.\n" +
            "Needs ../shared/peers (found by walking up from the current directory) and python3-xgboost.\n" +
            "Example: pql bench learn --sizes 100k,1m --threads 2")
        {
            sizes, threads,
        };
        CliApp.SetHandler(learn, (parse, ctx) =>
        {
            var peers = FindPeers(Directory.GetCurrentDirectory());
            var n = parse.GetValue(threads);
            var rows = new List<string>();
            foreach (var size in parse.GetValue(sizes)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var (train, test) = EnsureData(peers, size, ctx);
                ctx.Progress($"{size}: training ours");
                var load0 = LoadAverage();
                var ours = RunOurs(train, test, n);
                ctx.Progress($"{size}: training XGBoost");
                var xgb = RunXgboost(peers, train, test, n);
                var load1 = LoadAverage();
                rows.Add(Row(size, "pql gbdt", ours, ours.TestRows));
                rows.Add(Row(size, "xgboost hist", xgb, ours.TestRows));
                rows.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| {size} | ratio pql/xgb | {ours.TrainSeconds / xgb.TrainSeconds:F2}x | {ours.PredictSeconds / xgb.PredictSeconds:F2}x | {ours.RocAuc - xgb.RocAuc:+0.0000;-0.0000} | {ours.PrAuc - xgb.PrAuc:+0.0000;-0.0000} | {xgb.PredictSeconds / ours.PredictSeconds:F2}x | {ours.TrainCpuSeconds / xgb.TrainCpuSeconds:F2}x | load {load0:F1} -> {load1:F1} |"));
            }
            ctx.Out.WriteLine($"threads {n}; same trees (200), depth (6), learning rate (0.1), bins (256) on both sides");
            ctx.Out.WriteLine("| size | learner | train s | predict s | ROC AUC | PR AUC | predict rows/s | train CPU s | note |");
            ctx.Out.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---|");
            foreach (var row in rows)
                ctx.Out.WriteLine(row);
            return 0;
        });
        return learn;
    }

    private static string Row(string size, string who, SideResult r, int testRows) =>
        string.Create(CultureInfo.InvariantCulture,
            $"| {size} | {who} | {r.TrainSeconds:F3} | {r.PredictSeconds:F4} | {r.RocAuc:F4} | {r.PrAuc:F4} | {testRows / r.PredictSeconds:F0} | {r.TrainCpuSeconds:F2} | |");

    /// <summary>
    /// Runs <c>pql learn</c> in a child process, as the peer runs in its own, with the .NET thread pool's idle
    /// spinning off (DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0): the counterpart of XGBoost's OMP_WAIT_POLICY=PASSIVE.
    /// </summary>
    private static SideResult RunOurs(string train, string test, int threads)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("cannot locate the running pql executable");
        var args = new List<string>();
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
            args.Add(typeof(BenchLearnCommand).Assembly.Location);
        args.AddRange(["learn", "--train", train, "--test", test, "--label", "converted", "--id", "lead_id", "--threads", threads.ToString(CultureInfo.InvariantCulture)]);
        var output = Run(host, [.. args], new Dictionary<string, string> { ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0" });
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

    private static (string Train, string Test) EnsureData(string peers, string size, CliContext ctx)
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
            ctx.Progress($"generating {train} and {test}");
            _ = Run(Python, [Path.Combine(peers, "make_bench_data.py"), "--rows", rows.ToString(CultureInfo.InvariantCulture), "--features", "50",
                "--seed", "42", "--out", stem + ".csv", "--train-out", train, "--test-out", test, "--test-frac", "0.2"], null);
        }
        return (train, test);
    }

    private sealed record SideResult(double TrainSeconds, double PredictSeconds, double RocAuc, double PrAuc, double TrainCpuSeconds)
    {
        public int TestRows { get; init; }
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
