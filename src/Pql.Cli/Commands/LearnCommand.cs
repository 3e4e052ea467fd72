using System.CommandLine;
using Pql.Cli.Bench;
using Pql.Core.Application;

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
            var result = LearnService.Learn(new LearnRequest(parse.GetValue(train)!, parse.GetValue(test)!, parse.GetValue(label)!)
            {
                Id = parse.GetValue(id),
                Model = parse.GetValue(model)!,
                Trees = parse.GetValue(trees),
                MaxDepth = parse.GetValue(depth),
                LearningRate = parse.GetValue(eta),
                MaxBins = parse.GetValue(bins),
                Threads = parse.GetValue(threads),
                Seed = parse.GetValue(seed),
                PredictionsCsv = parse.GetValue(predictions),
                Log = ctx.Log,
                Peer = new LightGbmPeer(),
            });
            ctx.Out.WriteLine(result.ToJson());
            return 0;
        });
        return command;
    }
}
