using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Pql.Core.Learning;
using Pql.Core.Learning.Evaluation;
using Pql.Core.Learning.Tables;
using Pql.Core.Workspace;

namespace Pql.Cli.Commands;

/// <summary><c>pql learn</c>: train on a plain feature CSV, score a test CSV, print one JSON object of timings and metrics.</summary>
internal static class LearnCommand
{
    public static Command Create()
    {
        var train = new Option<string>("--train") { Description = "Training CSV with a header row.", Required = true };
        var test = new Option<string>("--test") { Description = "Test CSV with the same columns.", Required = true };
        var label = new Option<string>("--label") { Description = "Label column (0/1, true/false, yes/no).", Required = true };
        var id = new Option<string?>("--id") { Description = "Id column, passed through to the predictions (not a feature)." };
        var model = new Option<string>("--model") { Description = "gbdt (default), logistic, or lightgbm (the benchmark's LightGBM peer, through its C API).", DefaultValueFactory = _ => "gbdt" };
        var trees = new Option<int>("--trees") { Description = "Number of trees (default 200).", DefaultValueFactory = _ => 200 };
        var depth = new Option<int>("--depth") { Description = "Maximum tree depth (default 6).", DefaultValueFactory = _ => 6 };
        var eta = new Option<double>("--learning-rate") { Description = "Learning rate (default 0.1).", DefaultValueFactory = _ => 0.1 };
        var bins = new Option<int>("--bins") { Description = "Bins per feature including the missing bin (default 256).", DefaultValueFactory = _ => 256 };
        var threads = new Option<int>("--threads") { Description = "Worker threads (default: all processors).", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "Seed for sampling (default 0).", DefaultValueFactory = _ => 0 };
        var predictions = new Option<string?>("--predictions") { Description = "Write id,score for the test rows to this CSV." };
        var command = new Command("learn",
            "Train on a plain feature table and score a test table; prints one JSON object with timings and metrics.\n" +
            "Example: pql learn --train train.csv --test test.csv --label converted --id lead_id --threads 2 --predictions scores.csv")
        {
            train, test, label, id, model, trees, depth, eta, bins, threads, seed, predictions,
        };
        CliApp.SetHandler(command, (parse, ctx) =>
        {
            var kind = parse.GetValue(model)!;
            if (kind is not ("gbdt" or "logistic" or "lightgbm"))
                throw new PqlInputException($"--model: '{kind}' is not gbdt, logistic or lightgbm");
            var options = new GbdtOptions
            {
                Trees = parse.GetValue(trees),
                MaxDepth = parse.GetValue(depth),
                LearningRate = parse.GetValue(eta),
                MaxBins = parse.GetValue(bins),
                Threads = parse.GetValue(threads),
                Seed = parse.GetValue(seed),
            };
            options.Validate();
            var result = LearnRunner.Run(parse.GetValue(train)!, parse.GetValue(test)!, parse.GetValue(label)!, parse.GetValue(id), kind, options, ctx.Progress);
            ctx.Out.WriteLine(result.ToJson());
            if (parse.GetValue(predictions) is { } path)
                WritePredictions(path, result.Ids, result.Scores);
            return 0;
        });
        return command;
    }

    private static void WritePredictions(string path, string[] ids, double[] scores)
    {
        var sb = new StringBuilder(ids.Length * 24);
        sb.Append("id,score\n");
        for (var i = 0; i < ids.Length; i++)
            sb.Append(ids[i]).Append(',').Append(scores[i].ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        File.WriteAllText(path, sb.ToString());
    }
}

/// <summary>The learn pipeline, shared by <c>pql learn</c> and <c>pql bench learn</c>.</summary>
internal sealed record LearnResult(string Model, int TrainRows, int TestRows, int Features, int Trees, double ReadSeconds,
    double TrainSeconds, double PredictSeconds, double TrainCpuSeconds, double PredictCpuSeconds, ModelMetrics Metrics, string[] Ids, double[] Scores)
{
    public string ToJson()
    {
        var o = new Dictionary<string, object>
        {
            ["model"] = Model,
            ["train_rows"] = TrainRows,
            ["test_rows"] = TestRows,
            ["features"] = Features,
            ["trees"] = Trees,
            ["read_seconds"] = Math.Round(ReadSeconds, 4),
            ["train_seconds"] = Math.Round(TrainSeconds, 4),
            ["predict_seconds"] = Math.Round(PredictSeconds, 4),
            ["train_cpu_seconds"] = Math.Round(TrainCpuSeconds, 4),
            ["predict_cpu_seconds"] = Math.Round(PredictCpuSeconds, 4),
            ["roc_auc"] = Math.Round(Metrics.RocAuc, 6),
            ["pr_auc"] = Math.Round(Metrics.PrAuc, 6),
            ["log_loss"] = Math.Round(Metrics.LogLoss, 6),
            ["brier"] = Math.Round(Metrics.Brier, 6),
            ["lift_top_decile"] = Math.Round(Metrics.LiftTopDecile, 6),
        };
        return JsonSerializer.Serialize(o);
    }
}

internal static class LearnRunner
{
    public static LearnResult Run(string trainPath, string testPath, string label, string? id, string kind, GbdtOptions options, Action<string> progress)
    {
        var sw = Stopwatch.StartNew();
        var train = FeatureTable.Read(trainPath, label, id);
        var test = FeatureTable.Read(testPath, label, id, train.Features);
        var read = sw.Elapsed.TotalSeconds;
        progress($"read {train.Features.RowCount} train and {test.Features.RowCount} test rows in {read:F1}s");
        var threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        if (kind == "lightgbm")
        {
            var peer = Bench.LightGbmLearner.Run(train.Features, train.Labels, test.Features, options.Trees, options.MaxDepth, options.LearningRate, threads);
            return new LearnResult(kind, train.Features.RowCount, test.Features.RowCount, train.Features.ColumnCount, options.Trees, read,
                peer.TrainSeconds, peer.PredictSeconds, peer.TrainCpuSeconds, 0, ModelMetrics.Compute(peer.Scores, test.Labels), test.Ids, peer.Scores);
        }
        var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        sw.Restart();
        ScoringModel model = kind == "logistic"
            ? ModelFitter.FitLogistic(train.Features, train.Labels, threads)
            : ModelFitter.FitGbdt(train.Features, train.Labels, options);
        var trainSeconds = sw.Elapsed.TotalSeconds;
        process.Refresh();
        var cpu1 = process.TotalProcessorTime;
        sw.Restart();
        var scores = model.PredictRawProbability(test.Features, threads);
        var predictSeconds = sw.Elapsed.TotalSeconds;
        process.Refresh();
        var cpu2 = process.TotalProcessorTime;
        var metrics = ModelMetrics.Compute(scores, test.Labels);
        return new LearnResult(kind, train.Features.RowCount, test.Features.RowCount, train.Features.ColumnCount,
            model is GbdtScoringModel g ? g.TreeCount : 0, read, trainSeconds, predictSeconds,
            (cpu1 - cpu0).TotalSeconds, (cpu2 - cpu1).TotalSeconds, metrics, test.Ids, scores);
    }
}
