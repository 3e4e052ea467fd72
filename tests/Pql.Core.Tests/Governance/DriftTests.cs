using System.Globalization;
using System.Text.Json.Nodes;
using Pql.Core.Application;
using Pql.Core.Demo;
using Pql.Core.Governance;
using Pql.Core.State;
using Pql.Core.Tests.Playbooks;
using Pql.Core.Tests.Playbooks.Fakes;

namespace Pql.Core.Tests.Governance;

public sealed class DriftMeasuresTests
{
    [Fact]
    public void The_report_names_at_most_twelve_drifted_features_and_counts_the_rest()
    {
        var names = Enumerable.Range(0, 14).Select(i => $"f{i}").ToList();
        Assert.Equal("f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11 and 2 more", ReportDrift.Names(names));
        Assert.Equal("f0, f1", ReportDrift.Names(names[..2]));
    }

    private static double[] Normal(int n, double mean, double sd, int seed)
    {
        var random = new Random(seed);
        var values = new double[n];
        for (var i = 0; i < n; i++)
            values[i] = mean + sd * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return values;
    }

    [Fact]
    public void Normalized_wasserstein_reads_in_reference_standard_deviations()
    {
        var reference = FeatureDistribution.Numeric("x", Normal(20_000, 100, 15, 1));
        var same = FeatureDistribution.Numeric("x", Normal(20_000, 100, 15, 2));
        var shifted = FeatureDistribution.Numeric("x", Normal(20_000, 107.5, 15, 3));

        Assert.InRange(DriftMeasures.NumericDistance(reference, same), 0, 0.05);
        Assert.InRange(DriftMeasures.NumericDistance(reference, shifted), 0.45, 0.55);   // moved by half a standard deviation
    }

    [Fact]
    public void A_change_in_the_missing_share_counts_when_the_values_themselves_do_not_move()
    {
        var values = Normal(1000, 0, 1, 4);
        var withGaps = (double[])values.Clone();
        for (var i = 0; i < 300; i++)
            withGaps[i * 3] = double.NaN;

        var distance = DriftMeasures.NumericDistance(FeatureDistribution.Numeric("x", values), FeatureDistribution.Numeric("x", withGaps));

        Assert.InRange(distance, 0.29, 0.31);
    }

    [Fact]
    public void Jensen_shannon_is_zero_for_equal_shares_one_for_disjoint_ones_and_psi_grows_with_the_shift()
    {
        var a = new Dictionary<string, double> { ["us"] = 0.5, ["gb"] = 0.5 };
        var b = new Dictionary<string, double> { ["fr"] = 1.0 };
        var c = new Dictionary<string, double> { ["us"] = 0.6, ["gb"] = 0.4 };

        Assert.Equal(0, DriftMeasures.JensenShannon(a, a), 12);
        Assert.Equal(1, DriftMeasures.JensenShannon(a, b), 12);
        Assert.InRange(DriftMeasures.JensenShannon(a, c), 0.05, 0.09);
        Assert.Equal(0, DriftMeasures.Psi(a, a), 12);
        Assert.True(DriftMeasures.Psi(a, b) > DriftMeasures.Psi(a, c));
    }
}

/// <summary>
/// Acceptance: on a generated world, drift flags a feature whose distribution was shifted on purpose (employees, numeric; country,
/// categorical) and not those left alone, and the goal's <c>drift_above</c> trigger delivers through a webhook playbook.
/// </summary>
public sealed class DriftCheckTests : IDisposable
{
    private const string Secret = "whsec-drift";
    private readonly string _dir = Directory.CreateTempSubdirectory("pql-drift-").FullName;
    private readonly WebhookFake _hook = new(Secret);

    public DriftCheckTests()
    {
        WorldGenerator.Generate(new WorldOptions { Accounts = 300, Days = 120, Seed = 5, OutputDirectory = _dir, MaxDegreeOfParallelism = 1 });
        var yaml = File.ReadAllText(Path.Combine(_dir, "pql.yaml"))
            .Replace("triggers:\n", "triggers:\n  - name: conversion_drifted\n    goal: conversion\n    when: { drift_above: 0.1 }\n    playbook: drift_alert\n", StringComparison.Ordinal)
            .Replace("playbooks:\n", "playbooks:\n  drift_alert:\n    - connector: hook\n      action: post\n      template: \"{{goal}} drifted: {{drifted_features}}\"\n", StringComparison.Ordinal)
            .Replace("connectors:\n", $"connectors:\n  hook: {{ kind: webhook, url: \"{_hook.BaseUrl}{WebhookFake.Path}\", secret: \"${{PQL_TEST_DRIFT_WH}}\" }}\n", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(_dir, "pql.yaml"), yaml);
    }

    public void Dispose()
    {
        _hook.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>Every account's employees times ten and every other account's country "ZZ"; everything else untouched.</summary>
    private void ShiftAccounts()
    {
        var path = Path.Combine(_dir, "accounts.csv");
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        var (employees, country) = (Array.IndexOf(header, "employees"), Array.IndexOf(header, "country"));
        for (var i = 1; i < lines.Length; i++)
        {
            var fields = lines[i].Split(',');
            if (fields.Length != header.Length || !int.TryParse(fields[employees], CultureInfo.InvariantCulture, out var n))
                continue;   // a deliberately dirty row of the generated world: left as it is
            fields[employees] = (n * 10).ToString(CultureInfo.InvariantCulture);
            if (i % 2 == 0)
                fields[country] = "ZZ";
            lines[i] = string.Join(',', fields);
        }
        File.WriteAllLines(path, lines);
    }

    private Task<DriftResult> Check() =>
        new DriftService(secrets: Some.Secrets(("PQL_TEST_DRIFT_WH", Secret))).CheckAsync(
            new DriftRequest(_dir, "conversion") { Deliver = true, By = Actor.Named("ops"), MaxWait = TimeSpan.FromSeconds(30) });

    [Fact]
    public async Task Drift_flags_the_shifted_features_and_not_the_untouched_ones_and_alerts_through_the_webhook_playbook()
    {
        var trained = await new TrainService().TrainAsync(new TrainRequest(_dir) { Goal = "conversion", By = Actor.Named("alice") });
        Assert.True(trained.AllTrained);

        var before = await Check();
        ShiftAccounts();
        var after = await Check();

        Assert.Empty(before.Report.Drifted);
        Assert.Empty(before.Fired);
        var all = after.Report.All.Features.ToDictionary(f => f.Feature);
        Assert.True(all["firmo.employees"].Drifted, $"employees moved by {all["firmo.employees"].Distance}");
        Assert.Equal("wasserstein", all["firmo.employees"].Method);
        Assert.True(all["firmo.country"].Drifted, $"country moved by {all["firmo.country"].Distance}");
        Assert.Equal("jensen_shannon", all["firmo.country"].Method);
        Assert.True(all["firmo.employees"].Psi > 0.25);
        foreach (var untouched in new[] { "firmo.industry", "activity.events_30d", "adoption.products_adopted" })
            Assert.Equal((untouched, 0.0), (untouched, all[untouched].Distance));
        Assert.Contains(after.Report.Segments, s => s.Features.Single(f => f.Feature == "firmo.employees").Drifted);

        var fired = Assert.Single(after.Fired);
        Assert.Equal(("conversion_drifted", "drift_alert", "conversion"), (fired.Trigger, fired.Playbook, fired.Goal));
        Assert.Contains("firmo.employees", fired.Reason, StringComparison.Ordinal);
        var body = JsonNode.Parse(Assert.Single(_hook.Bodies.Values.SelectMany(q => q)))!;
        var data = body["data"]!;
        Assert.Equal("conversion", (string?)data["goal"]);
        var names = data["drift"]!["drifted_features"]!.AsArray().Select(f => (string?)f!["feature"]).ToList();
        Assert.Contains("firmo.employees", names);
        Assert.Contains("firmo.country", names);
        Assert.DoesNotContain("firmo.industry", names);
        Assert.StartsWith("conversion drifted: ", (string?)data["message"], StringComparison.Ordinal);
        Assert.Equal(1, after.Dispatch!.Delivered);
    }
    [Fact]
    public async Task The_report_has_the_drift_section_pql_drift_measures_with_at_most_twelve_features_per_group()
    {
        var untrained = await new ReportService().ReportAsync(new ReportRequest(_dir, "conversion"));
        Assert.Null(untrained.Drift.Report);
        Assert.Contains("no trained model", untrained.Drift.Unavailable, StringComparison.Ordinal);
        Assert.Contains("No drift measure: ", ReportDriftHtml.Render(untrained.Drift), StringComparison.Ordinal);

        await new TrainService().TrainAsync(new TrainRequest(_dir) { Goal = "conversion", By = Actor.Named("alice") });
        ShiftAccounts();
        var html = Path.Combine(_dir, "report.html");
        var data = await new ReportService().ReportAsync(new ReportRequest(_dir, "conversion") { OutputHtml = html });
        var check = await new DriftService().CheckAsync(new DriftRequest(_dir, "conversion") { Alert = false });

        var drift = Assert.IsType<DriftReport>(data.Drift.Report);
        Assert.Equal(check.Report.Measures().Select(m => (m.Segment, m.Drift)), drift.Measures().Select(m => (m.Segment, m.Drift)));
        Assert.Contains("firmo.employees", drift.Drifted);
        var text = File.ReadAllText(html);
        var section = text[text.IndexOf("<section id=\"drift\">", StringComparison.Ordinal)..];
        section = section[..(section.IndexOf("</section>", StringComparison.Ordinal) + "</section>".Length)];
        Assert.Equal(ReportDriftHtml.Render(data.Drift), section);
        Assert.Contains("<tr><td>firmo.employees</td><td>wasserstein</td>", section, StringComparison.Ordinal);
        var tables = section.Split("<table class=\"drift-group\">")[1..];
        Assert.Equal(1 + drift.Segments.Count, tables.Length);
        Assert.True(drift.All.Features.Count > ReportDrift.TopPerGroup, "the world has more features than the section shows");
        foreach (var table in tables)
            Assert.Equal(1 + 1 + ReportDrift.TopPerGroup, table[..table.IndexOf("</table>", StringComparison.Ordinal)].Split("<tr>").Length - 1);   // header, score, top 12
        var shown = ReportDrift.Top(drift.All);
        Assert.Equal(drift.All.Features.Max(f => f.Distance), shown[0].Distance);
        Assert.True(shown[^1].Distance >= drift.All.Features.Except(shown).Max(f => f.Distance));
    }
}
