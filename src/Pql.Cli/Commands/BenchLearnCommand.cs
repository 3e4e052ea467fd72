using System.CommandLine;
using System.Globalization;
using Pql.Cli.Bench;

namespace Pql.Cli.Commands;

/// <summary><c>pql bench learn</c>: our GBDT against LightGBM and XGBoost hist on the peers' synthetic files, in one run.</summary>
internal static class BenchLearnCommand
{
    /// <summary>The <c>learn</c> subcommand of <c>pql bench</c>.</summary>
    public static Command Create()
    {
        var sizes = new Option<string>("--sizes") { Description = "Comma-separated sizes: 100k, 1m (default 100k).", DefaultValueFactory = _ => "100k" };
        var threads = new Option<int>("--threads") { Description = "Threads for every learner (default 2).", DefaultValueFactory = _ => 2 };
        var learn = new Command("learn",
            "Train our GBDT, LightGBM (its C API) and XGBoost (hist) with 200 trees, depth 6, eta 0.1, 256 bins on the same files and print them with ratios.\n" +
            "Needs ../shared/peers (found by walking up from the current directory) and python3-xgboost.\n" +
            "Example: pql bench learn --sizes 100k,1m --threads 2")
        {
            sizes, threads,
        };
        CliApp.SetHandler(learn, (parse, ctx) =>
        {
            var n = parse.GetValue(threads);
            var results = LearnBench.Run(parse.GetValue(sizes)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), n, ctx.Progress);
            ctx.Out.WriteLine($"threads {n}; same trees (200), depth (6), learning rate (0.1), bins (256) on every side");
            ctx.Out.WriteLine("| size | learner | train s | predict s | ROC AUC | PR AUC | predict rows/s | train CPU s | note |");
            ctx.Out.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---|");
            foreach (var r in results)
            {
                var rows = r.Engine.TestRows;
                ctx.Out.WriteLine(Row(r.Size, "pql gbdt", r.Engine, rows, ""));
                ctx.Out.WriteLine(Row(r.Size, "lightgbm", r.LightGbm, rows, ""));
                ctx.Out.WriteLine(Row(r.Size, "xgboost hist", r.Xgboost, rows, ""));
                ctx.Out.WriteLine(Ratio(r.Size, "ratio pql/lightgbm", r.Engine, r.LightGbm, ""));
                ctx.Out.WriteLine(Ratio(r.Size, "ratio pql/xgb", r.Engine, r.Xgboost, string.Create(CultureInfo.InvariantCulture, $"load {r.LoadBefore:F1} -> {r.LoadAfter:F1}")));
            }
            return 0;
        });
        return learn;
    }

    private static string Row(string size, string who, SideResult r, int testRows, string note) =>
        string.Create(CultureInfo.InvariantCulture,
            $"| {size} | {who} | {r.TrainSeconds:F3} | {r.PredictSeconds:F4} | {r.RocAuc:F4} | {r.PrAuc:F4} | {testRows / r.PredictSeconds:F0} | {r.TrainCpuSeconds:F2} | {note} |");

    /// <summary>Time ratios (lower is ours faster), AUC differences (positive is ours better), throughput ratio (higher is ours faster).</summary>
    private static string Ratio(string size, string who, SideResult ours, SideResult peer, string note) =>
        string.Create(CultureInfo.InvariantCulture,
            $"| {size} | {who} | {ours.TrainSeconds / peer.TrainSeconds:F2}x | {ours.PredictSeconds / peer.PredictSeconds:F2}x | {ours.RocAuc - peer.RocAuc:+0.0000;-0.0000} | {ours.PrAuc - peer.PrAuc:+0.0000;-0.0000} | {peer.PredictSeconds / ours.PredictSeconds:F2}x | {ours.TrainCpuSeconds / peer.TrainCpuSeconds:F2}x | {note} |");
}
