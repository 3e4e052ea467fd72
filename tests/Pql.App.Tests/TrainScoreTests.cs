using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Pql.App.Tests;

/// <summary>
/// The contract end to end through the CLI, on a workspace written here by a plain writer that knows only
/// DATA_CONTRACT.md (not the engine's generator): every eligible entity gets exactly one score row.
/// </summary>
public sealed class TrainScoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-contract-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly DateTime s_start = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>300 accounts over 200 days; accounts that use both products are likelier to subscribe.</summary>
    private HashSet<string> WriteWorkspace()
    {
        var rng = new Random(7);
        var accounts = new StringBuilder("account_id,created_at,segment,employees\n");
        var users = new StringBuilder("user_id,account_id,created_at\n");
        var events = new StringBuilder("timestamp,event,user_id,account_id,product,event_id,properties\n");
        var subscribedBy = new Dictionary<string, DateTime>();
        var id = 0;
        for (var a = 0; a < 300; a++)
        {
            var acc = $"acct-{a}";
            var created = s_start.AddDays(rng.Next(0, 150)).AddHours(rng.Next(0, 24));
            accounts.Append(CultureInfo.InvariantCulture, $"{acc},{created:yyyy-MM-ddTHH:mm:ssZ},{(a % 3 == 0 ? "enterprise" : "smb")},{rng.Next(5, 500)}\n");
            var user = $"{acc}-u";
            users.Append(CultureInfo.InvariantCulture, $"{user},{acc},{created:yyyy-MM-dd}\n");
            var both = rng.NextDouble() < 0.4;
            var day = created;
            while (day < s_start.AddDays(200))
            {
                day = day.AddHours(rng.Next(6, 72));
                var product = both && rng.NextDouble() < 0.5 ? "sheets" : "docs";
                var name = product == "docs" ? "doc_created" : "sheet_created";
                // Offsets and bare account ids exercise the contract's optional forms.
                var ts = rng.NextDouble() < 0.2 ? day.AddHours(2).ToString("yyyy-MM-ddTHH:mm:ss'+02:00'", CultureInfo.InvariantCulture) : day.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
                events.Append(CultureInfo.InvariantCulture, $"{ts},{name},{user},,,{id++},\n");
                if (!subscribedBy.ContainsKey(acc) && day > created.AddDays(10) && rng.NextDouble() < (both ? 0.04 : 0.005))
                {
                    subscribedBy[acc] = day.AddHours(1);
                    events.Append(CultureInfo.InvariantCulture, $"{day.AddHours(1):yyyy-MM-ddTHH:mm:ssZ},subscription_started,,{acc},billing,{id++},\"{{\"\"plan\"\":\"\"pro\"\"}}\"\n");
                }
            }
        }
        File.WriteAllText(Path.Combine(_dir, "accounts.csv"), accounts.ToString());
        File.WriteAllText(Path.Combine(_dir, "users.csv"), users.ToString());
        using (var gz = new GZipStream(File.Create(Path.Combine(_dir, "events.csv.gz")), CompressionLevel.Fastest))
            gz.Write(Encoding.UTF8.GetBytes(events.ToString()));
        File.WriteAllText(Path.Combine(_dir, "pql.yaml"), """
            data:
              accounts: accounts.csv
              users: users.csv
              events: events.csv.gz
            products:
              docs: [doc_created]
              sheets: [sheet_created]
            goals:
              conversion:
                entity: account
                achieved_when: { event: subscription_started }
                horizon: 30d
            training:
              cutoffs: 4
            """);
        // Eligible at as-of (the latest event, 2026-07-20 or so): created by then and not yet subscribed.
        return [.. Enumerable.Range(0, 300).Select(a => $"acct-{a}").Where(a => !subscribedBy.ContainsKey(a))];
    }

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = Pql.Cli.CliApp.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void Train_then_score_writes_one_row_per_eligible_entity()
    {
        var eligible = WriteWorkspace();

        var train = Run("train", "--workspace", _dir);
        var score = Run("score", "--workspace", _dir, "--goal", "conversion", "--out", Path.Combine(_dir, "out.csv"));

        Assert.True(train.Code == 0, train.Err);
        Assert.Contains("<- kept", train.Out);
        Assert.True(score.Code == 0, score.Err);
        var lines = File.ReadAllLines(Path.Combine(_dir, "out.csv"));
        Assert.Equal("entity_id,score,tier,top_drivers", lines[0]);
        var ids = lines.Skip(1).Select(l => l[..l.IndexOf(',', StringComparison.Ordinal)]).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.True(eligible.SetEquals(ids));
        foreach (var line in lines.Skip(1))
        {
            var score01 = double.Parse(line.Split(',')[1], CultureInfo.InvariantCulture);
            Assert.InRange(score01, 0, 1);
            Assert.Contains("\"\"contribution\"\"", line);
        }
    }

    [Fact]
    public void Backtest_measures_the_engine_beside_a_compared_score_file_with_intervals()
    {
        WriteWorkspace();
        // A compared tool that knows the answer for nobody: every account scores 0.5 except one missing row.
        var at = "2026-06-01T00:00:00Z";
        var compare = Path.Combine(_dir, "flat_2026-06-01.csv");
        var ids = Enumerable.Range(0, 299).Select(a => $"acct-{a},0.5,warm,[]");
        File.WriteAllLines(compare, ["entity_id,score,tier,top_drivers", .. ids]);

        var text = Run("backtest", "--workspace", _dir, "--goal", "conversion", "--at", at, "--rounds", "100",
            "--compare", $"flat={Path.Combine(_dir, "flat_{at}.csv")}");
        var json = Run("backtest", "--workspace", _dir, "--goal", "conversion", "--at", at, "--rounds", "100",
            "--compare", $"flat={compare}", "--format", "json");

        Assert.True(text.Code == 0, text.Err);
        Assert.Contains("scored at 2026-06-01T00:00:00Z", text.Out);
        Assert.Contains("gbdt", text.Out);
        Assert.Contains("flat", text.Out);
        Assert.Contains("ROC AUC [95% CI]", text.Out);
        Assert.True(json.Code == 0, json.Err);
        using var doc = System.Text.Json.JsonDocument.Parse(json.Out);
        var candidates = doc.RootElement.GetProperty("windows")[0].GetProperty("candidates");
        var flat = candidates.EnumerateArray().First(c => c.GetProperty("name").GetString() == "flat");
        var roc = flat.GetProperty("metrics").GetProperty("roc_auc");
        // A constant score ranks nobody: ROC AUC 0.5 up to the one missing row ranked last.
        Assert.InRange(roc.GetProperty("estimate").GetDouble(), 0.45, 0.55);
        Assert.True(roc.GetProperty("low").GetDouble() <= roc.GetProperty("estimate").GetDouble());
        Assert.True(flat.GetProperty("missing").GetInt32() <= 1);
    }

    [Fact]
    public void Backtest_rejects_a_time_whose_outcomes_are_not_known_yet()
    {
        WriteWorkspace();

        var r = Run("backtest", "--workspace", _dir, "--goal", "conversion", "--at", "2026-07-15T00:00:00Z");

        Assert.Equal(2, r.Code);
        Assert.Contains("outcomes are not known yet", r.Err);
    }

    [Fact]
    public void Score_before_training_says_what_to_run()
    {
        WriteWorkspace();

        var score = Run("score", "--workspace", _dir, "--goal", "conversion", "--out", Path.Combine(_dir, "out.csv"));

        Assert.Equal(2, score.Code);
        Assert.Contains("run: pql train", score.Err);
    }

    [Fact]
    public void Score_unknown_goal_exits_2_naming_the_goals()
    {
        WriteWorkspace();

        var score = Run("score", "--workspace", _dir, "--goal", "upsell", "--out", Path.Combine(_dir, "out.csv"));

        Assert.Equal(2, score.Code);
        Assert.Contains("unknown goal 'upsell'", score.Err);
        Assert.Contains("conversion", score.Err);
    }

    [Fact]
    public void Explain_prints_contributions_that_add_up_to_the_margin()
    {
        WriteWorkspace();
        Assert.Equal(0, Run("train", "--workspace", _dir).Code);

        var explain = Run("explain", "--workspace", _dir, "--goal", "conversion", "--entity", "acct-1", "--all");

        Assert.True(explain.Code == 0, explain.Err);
        var lines = explain.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var headerAt = Array.FindIndex(lines, l => l.StartsWith("  base value", StringComparison.Ordinal));
        var header = lines[headerAt];
        var baseValue = double.Parse(header.Split("base value ")[1].Split(',')[0], CultureInfo.InvariantCulture);
        var margin = double.Parse(header.Split("raw margin ")[1], CultureInfo.InvariantCulture);
        var sum = lines.Skip(headerAt + 2).Sum(l => double.Parse(l.Trim().Split(' ')[0], CultureInfo.InvariantCulture));
        Assert.Equal(margin, baseValue + sum, 3);
    }

    [Fact]
    public void Train_writes_a_model_card_with_the_training_snapshot()
    {
        WriteWorkspace();

        Assert.Equal(0, Run("train", "--workspace", _dir).Code);

        var card = File.ReadAllText(Directory.GetFiles(Path.Combine(_dir, ".pql", "models", "conversion"), "*.md").Single(p => !p.EndsWith(".changes.md", StringComparison.Ordinal)));
        Assert.DoesNotContain("(not recorded)", card);
        Assert.Contains("subscription_started", card);
        Assert.Contains("in validation", card);
    }
}
