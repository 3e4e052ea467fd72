using System.Globalization;
using System.Text;
using Pql.Core.Application;
using Pql.Core.Demo;
using Pql.Core.Ingest;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Application;

/// <summary>A generated workspace with a metrics file trains a model that reads the metric family, and scores with it.</summary>
public sealed class MetricsEndToEndTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-metrics-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Daily event counts per account (account rows) and per user (user rows), rolled up from the generated events.</summary>
    private void WriteMetrics()
    {
        var store = WorkspaceLoader.Load(ConfigLoader.Load(_dir), new LoadOptions { WriteRejects = false, Snapshot = false }).Store;
        var csv = new StringBuilder("account_id,user_id,date,metric,value\n");
        var perDay = new SortedDictionary<(int Owner, long Day), int>();
        var perUserDay = new SortedDictionary<(int Owner, long Day), int>();
        for (var e = 0; e < store.EventCount; e++)
        {
            var day = store.EventTime[e] / Duration.MsPerDay;
            perDay[(store.EventAccount[e], day)] = perDay.GetValueOrDefault((store.EventAccount[e], day)) + 1;
            if (store.EventUser[e] >= 0)
                perUserDay[(store.EventUser[e], day)] = perUserDay.GetValueOrDefault((store.EventUser[e], day)) + 1;
        }
        static string Date(long day) => DateOnly.FromDayNumber((int)day + 719162).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        foreach (var ((account, day), n) in perDay)
            csv.Append(CultureInfo.InvariantCulture, $"{store.AccountIds[account]},,{Date(day)},daily_events,{n}\n");
        foreach (var ((user, day), n) in perUserDay)
            csv.Append(CultureInfo.InvariantCulture, $",{store.UserIds[user]},{Date(day)},user_events,{n * 0.5}\n");
        File.WriteAllText(Path.Combine(_dir, "metrics.csv"), csv.ToString());
        var yaml = File.ReadAllText(Path.Combine(_dir, "pql.yaml"));
        var events = yaml.IndexOf("  events: events.csv.gz", StringComparison.Ordinal);
        yaml = yaml.Insert(yaml.IndexOf('\n', events) + 1, "  metrics: metrics.csv\n");
        yaml += "\ntraining:\n  model: gbdt   # its artifact lists every feature column it was trained on\n";
        File.WriteAllText(Path.Combine(_dir, "pql.yaml"), yaml);
    }

    [Fact]
    public async Task Train_and_score_read_the_metric_family()
    {
        WorldGenerator.Generate(new WorldOptions { Accounts = 300, Days = 120, Seed = 7, OutputDirectory = _dir });
        WriteMetrics();

        var trained = await new TrainService().TrainAsync(new TrainRequest(_dir) { Goal = "conversion" });
        var out_ = Path.Combine(_dir, "scores.csv");
        var scored = await new ScoreService().ScoreAsync(new ScoreRequest(_dir, "conversion") { OutputCsv = out_ });

        var report = Assert.Single(trained.Trained);
        var artifact = await File.ReadAllTextAsync(report.ArtifactPath);
        Assert.Contains("\"metric.daily_events.sum_30d\"", artifact, StringComparison.Ordinal);
        Assert.Contains("\"metric.user_events.trend_7d\"", artifact, StringComparison.Ordinal);
        var lines = await File.ReadAllLinesAsync(out_);
        Assert.Equal("entity_id,score,tier,top_drivers", lines[0]);
        Assert.True(lines.Length > 10, $"{lines.Length - 1} scored rows");
        Assert.Equal(lines.Length - 1, scored.Run.Rows.Count);
    }
}
