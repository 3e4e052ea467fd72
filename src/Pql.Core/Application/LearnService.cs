using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pql.Core.Features;
using Pql.Core.Learning;
using Pql.Core.Learning.Evaluation;
using Pql.Core.Learning.Tables;
using Pql.Core.Workspace;

namespace Pql.Core.Application;

/// <summary>What <c>pql learn</c> asks for: a training and a test feature CSV, the label (and id) column, the learner and its options.</summary>
public sealed record LearnRequest(string TrainCsv, string TestCsv, string Label)
{
    public string? Id { get; init; }
    /// <summary>gbdt (default) or logistic.</summary>
    public string Model { get; init; } = "gbdt";
    public int Trees { get; init; } = 200;
    public int MaxDepth { get; init; } = 6;
    public double LearningRate { get; init; } = 0.1;
    public int MaxBins { get; init; } = 256;
    /// <summary>Worker threads; 0 means all processors.</summary>
    public int Threads { get; init; }
    public int Seed { get; init; }
    /// <summary>Write id,score for the test rows to this CSV.</summary>
    public string? PredictionsCsv { get; init; }
    /// <summary>Where progress lines go; none by default.</summary>
    public ILogger Log { get; init; } = NullLogger.Instance;
    /// <summary>
    /// A learner from outside the engine, used when <see cref="Model"/> equals its name: <c>pql learn --model lightgbm</c> runs the
    /// benchmark's LightGBM peer through here so it reads the same tables and is measured the same way, without the engine
    /// depending on LightGBM.
    /// </summary>
    public IPeerLearner? Peer { get; init; }
}

/// <summary>What a peer learner reports: its wall and CPU seconds and the test rows' scores.</summary>
public sealed record PeerFit(double TrainSeconds, double PredictSeconds, double TrainCpuSeconds, double[] Scores);

/// <summary>A learner outside the engine (a benchmark peer), trained and scored on the tables <c>pql learn</c> read.</summary>
public interface IPeerLearner
{
    /// <summary>The <c>--model</c> value that selects it.</summary>
    string Name { get; }

    PeerFit Fit(FeatureMatrix train, byte[] labels, FeatureMatrix test, GbdtOptions options, int threads);
}

/// <summary>Timings and held-out metrics of one learn run, and the test rows' ids and scores.</summary>
public sealed record LearnResult(string Model, int TrainRows, int TestRows, int Features, int Trees, double ReadSeconds,
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

/// <summary><c>pql learn</c>: train on a plain feature CSV, score a test CSV, measure both.</summary>
public static class LearnService
{
    public static LearnResult Learn(LearnRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var peer = request.Peer is { } p && p.Name == request.Model ? p : null;
        if (peer is null && request.Model is not ("gbdt" or "logistic"))
            throw new PqlInputException(request.Peer is { } named
                ? $"--model: '{request.Model}' is not gbdt, logistic or {named.Name}"
                : $"--model: '{request.Model}' is not gbdt or logistic");
        var options = new GbdtOptions
        {
            Trees = request.Trees,
            MaxDepth = request.MaxDepth,
            LearningRate = request.LearningRate,
            MaxBins = request.MaxBins,
            Threads = request.Threads,
            Seed = request.Seed,
        };
        options.Validate();
        var result = Run(request.TrainCsv, request.TestCsv, request.Label, request.Id, request.Model, options, peer, request.Log);
        if (request.PredictionsCsv is { } path)
            WritePredictions(path, result.Ids, result.Scores);
        return result;
    }

    private static LearnResult Run(string trainPath, string testPath, string label, string? id, string kind, GbdtOptions options, IPeerLearner? peer,
        ILogger log)
    {
        var sw = Stopwatch.StartNew();
        var train = FeatureTable.Read(trainPath, label, id);
        var test = FeatureTable.Read(testPath, label, id, train.Features);
        var read = sw.Elapsed.TotalSeconds;
        Log.Progress(log, string.Create(CultureInfo.InvariantCulture, $"read {train.Features.RowCount} train and {test.Features.RowCount} test rows in {read:F1}s"));
        var threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        if (peer is not null)
        {
            var fit = peer.Fit(train.Features, train.Labels, test.Features, options, threads);
            return new LearnResult(kind, train.Features.RowCount, test.Features.RowCount, train.Features.ColumnCount, options.Trees, read,
                fit.TrainSeconds, fit.PredictSeconds, fit.TrainCpuSeconds, 0, ModelMetrics.Compute(fit.Scores, test.Labels), test.Ids, fit.Scores);
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

    private static void WritePredictions(string path, string[] ids, double[] scores)
    {
        var sb = new StringBuilder(ids.Length * 24);
        sb.Append("id,score\n");
        for (var i = 0; i < ids.Length; i++)
            sb.Append(ids[i]).Append(',').Append(scores[i].ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        File.WriteAllText(path, sb.ToString());
    }
}
