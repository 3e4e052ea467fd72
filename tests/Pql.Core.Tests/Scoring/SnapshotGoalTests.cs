using System.Globalization;
using System.Text;
using Pql.Core.Ingest;
using Pql.Core.Learning.Artifacts;
using Pql.Core.Scoring;
using Pql.Core.Workspace;

namespace Pql.Core.Tests.Scoring;

/// <summary>label_column goals on snapshot tables: train, split, leakage warning, score every row with drivers and tiers.</summary>
public sealed class SnapshotGoalTests : IDisposable
{
    private readonly TestWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    /// <summary>600 customers: month-to-month contracts and few support calls churn more; 'cancel_reason' is filled only for churners.</summary>
    private void WriteCustomers(bool withDates = false)
    {
        var rng = new Random(3);
        var csv = new StringBuilder("customer,plan,contract,support_calls,cancel_reason,churned" + (withDates ? ",observed_on" : "") + "\n");
        for (var i = 0; i < 600; i++)
        {
            var monthly = rng.NextDouble() < 0.5;
            var calls = rng.Next(0, 8);
            var p = (monthly ? 0.45 : 0.1) + calls * 0.03;
            var churned = rng.NextDouble() < p;
            var reason = churned ? (rng.NextDouble() < 0.5 ? "price" : "moved") : "";
            csv.Append(CultureInfo.InvariantCulture, $"c{i},{(i % 2 == 0 ? "basic" : "pro")},{(monthly ? "monthly" : "yearly")},{calls},{reason},{(churned ? "Yes" : "No")}");
            if (withDates)
                csv.Append(CultureInfo.InvariantCulture, $",{new DateTime(2025, 1, 1).AddDays(i % 300):yyyy-MM-dd}");
            csv.Append('\n');
        }
        _ws.File("customers.csv", csv.ToString());
    }

    private const string Yaml = """
        data:
          accounts:
            path: customers.csv
            columns: { account_id: customer }
            created_at: 2024-01-01
        goals:
          churn:
            achieved_when: { label_column: churned, positive: "Yes" }
        tiers:
          churn:
            percentiles: { high_touch: 10, assisted: 30 }
        """;

    [Fact]
    public void A_label_column_goal_trains_on_a_seeded_stratified_split_warns_of_leakage_and_scores_every_row()
    {
        WriteCustomers();
        var config = _ws.Config(Yaml);
        var load = WorkspaceLoader.Load(config);
        var goal = config.Goal("churn");

        var report = GoalTrainer.Train(config, load, goal, new TrainOptions());

        Assert.Equal(600, report.TrainRows + report.ValidRows);
        Assert.Equal(120, report.ValidRows);
        Assert.Contains("seeded stratified random split (seed 42", report.Split);
        // Both sides keep the base rate: the split is stratified.
        Assert.InRange((double)report.ValidPositives / report.ValidRows - (double)report.TrainPositives / report.TrainRows, -0.01, 0.01);
        var warning = Assert.Single(report.Warnings!);
        Assert.Contains("'firmo.cancel_reason' alone separates the outcome suspiciously well", warning);
        var artifact = ModelArtifact.Load(report.ArtifactPath);
        Assert.DoesNotContain(artifact.Features, f => f.Name.Contains("churned", StringComparison.Ordinal)); // the outcome is never a feature
        var card = File.ReadAllText(report.CardPath);
        Assert.Contains("- split: seeded stratified random split", card);
        Assert.Contains("## Leakage warnings", card);
        Assert.DoesNotContain("data window", card);

        var run = WorkspaceScorer.Score(config, load, goal, new ScoreOptions { ModelPath = report.ArtifactPath });

        Assert.Equal(600, run.Rows.Count);
        Assert.Equal("high_touch", run.Rows[0].Tier); // rows come best first
        Assert.Equal("nurture", run.Rows[^1].Tier);
        Assert.All(run.Rows, r => Assert.NotEmpty(r.Drivers));
    }

    [Fact]
    public void The_same_seed_gives_the_same_split_and_model()
    {
        WriteCustomers();
        var config = _ws.Config(Yaml);
        var load = WorkspaceLoader.Load(config);
        var a = GoalTrainer.Train(config, load, config.Goal("churn"), new TrainOptions());
        var b = GoalTrainer.Train(config, load, config.Goal("churn"), new TrainOptions());

        Assert.Equal(a.Version.Split('-')[1], b.Version.Split('-')[1]); // the hash of the training rows and labels
        Assert.Equal(a.Result.Candidates.Select(c => c.Metrics.RocAuc), b.Result.Candidates.Select(c => c.Metrics.RocAuc));
    }

    [Fact]
    public void Excluded_attributes_drop_the_leaky_column_and_its_warning()
    {
        WriteCustomers();
        var config = _ws.Config(Yaml.Replace("  accounts:", "  exclude_attributes: [cancel_reason]\n  accounts:", StringComparison.Ordinal));
        var report = GoalTrainer.Train(config, WorkspaceLoader.Load(config), config.Goal("churn"), new TrainOptions());

        Assert.Empty(report.Warnings!);
        Assert.DoesNotContain(ModelArtifact.Load(report.ArtifactPath).Features, f => f.Name.Contains("cancel", StringComparison.Ordinal));
    }

    [Fact]
    public void A_date_column_validates_on_the_latest_rows()
    {
        WriteCustomers(withDates: true);
        var config = _ws.Config(Yaml.Replace("positive: \"Yes\"", "positive: \"Yes\", date_column: observed_on", StringComparison.Ordinal));
        var report = GoalTrainer.Train(config, WorkspaceLoader.Load(config), config.Goal("churn"), new TrainOptions());

        Assert.StartsWith("time split on the date column: rows dated before 2025-08-", report.Split, StringComparison.Ordinal);
        Assert.InRange(report.ValidRows, 100, 140);
    }

    [Fact]
    public void A_positive_value_no_row_has_is_an_error_listing_the_values()
    {
        WriteCustomers();
        var config = _ws.Config(Yaml.Replace("positive: \"Yes\"", "positive: \"Y\"", StringComparison.Ordinal));

        var ex = Assert.Throws<PqlInputException>(() => GoalTrainer.Train(config, WorkspaceLoader.Load(config), config.Goal("churn"), new TrainOptions()));

        Assert.Contains("no row of 'churned' equals positive 'Y'; its values: No, Yes", ex.Message);
    }

    [Fact]
    public void A_missing_positive_or_label_column_is_a_config_error()
    {
        WriteCustomers();
        var ex = Assert.Throws<ConfigException>(() => _ws.Config(Yaml.Replace(", positive: \"Yes\"", "", StringComparison.Ordinal)));
        Assert.Contains("goals.churn.achieved_when.positive", ex.Message);

        var config = _ws.Config(Yaml.Replace("label_column: churned", "label_column: churn_flag", StringComparison.Ordinal));
        var missing = Assert.Throws<PqlInputException>(() => GoalTrainer.Train(config, WorkspaceLoader.Load(config), config.Goal("churn"), new TrainOptions()));
        Assert.Contains("label_column 'churn_flag' is not a column of the accounts table", missing.Message);
    }

    [Fact]
    public void Rows_without_ids_take_their_line_number_and_users_without_accounts_are_their_own()
    {
        _ws.File("sessions.csv", "pages,bought\n3,TRUE\n1,FALSE\n\n7,TRUE\n");
        var config = _ws.Config("""
            data:
              users: { path: sessions.csv, id: line, created_at: 2017-01-01 }
              accounts: { from: users }
            goals:
              purchase: { entity: user, achieved_when: { label_column: bought, positive: "true" } }
            """);
        var (store, report) = WorkspaceLoader.Load(config);

        Assert.Equal(["2", "3", "5"], store.UserIds.Values);
        Assert.Equal(store.UserIds.Values, store.AccountIds.Values);
        Assert.Equal(0, report.Rejected);
        var labels = Pql.Core.Labels.SnapshotLabels.Read(store, config.Goal("purchase"));
        Assert.Equal([1, 0, 1], labels.Labels); // positive "true" matches TRUE: text compares ignoring case
    }

    /// <summary>The example's own pql.yaml, with its data paths made absolute, in a temp workspace (state stays out of the repo).</summary>
    private WorkspaceConfig Example(string example)
    {
        var yaml = File.ReadAllText(Path.Combine(TestWorkspace.Example(example), "pql.yaml"));
        var shared = Path.GetDirectoryName(TestWorkspace.SharedData(example))! + "/";
        return _ws.Config(yaml.Replace("../../../shared/data/", shared, StringComparison.Ordinal));
    }

    [SharedDataTheory("telco-churn", "xeducation-leads", "online-shoppers")]
    [InlineData("telco-churn", "churn", 7043, 1869)]
    [InlineData("xeducation-leads", "conversion", 9240, 3561)]
    [InlineData("online-shoppers", "purchase", 12330, 1908)]
    public void Each_snapshot_example_reads_every_row_and_the_published_base_rate(string example, string goalName, int rows, int positives)
    {
        var config = Example(example);
        var load = WorkspaceLoader.Load(config);

        var labels = Pql.Core.Labels.SnapshotLabels.Read(load.Store, config.Goal(goalName));

        Assert.Equal(0, load.Report.Rejected);
        Assert.Equal((rows, positives, 0), (labels.Labels.Length, labels.Positives, labels.MissingOutcome));
    }

    /// <summary>Training takes tens of seconds per example in a Debug build; telco (the smallest) stands for the three, all run through the CLI.</summary>
    [SharedDataTheory("telco-churn")]
    [InlineData("telco-churn", "churn", 7043)]
    public void A_snapshot_example_trains_and_scores_every_row_with_drivers_and_tiers(string example, string goalName, int rows)
    {
        var config = Example(example);
        var load = WorkspaceLoader.Load(config);
        var goal = config.Goal(goalName);

        var report = GoalTrainer.Train(config, load, goal, new TrainOptions());
        var run = WorkspaceScorer.Score(config, load, goal, new ScoreOptions { ModelPath = report.ArtifactPath });

        Assert.Equal(rows, report.TrainRows + report.ValidRows);
        Assert.True(report.Result.Candidates.Max(c => c.Metrics.RocAuc) > 0.7, "the outcome is predictable from the snapshot");
        Assert.Equal(rows, run.Rows.Count);
        Assert.Equal(rows, run.Rows.Select(r => r.EntityId).Distinct().Count());
        Assert.Equal(["assisted", "high_touch", "nurture"], run.Rows.Select(r => r.Tier).Distinct().Order());
        Assert.All(run.Rows, r => Assert.Equal(3, r.Drivers.Count));
    }
}
