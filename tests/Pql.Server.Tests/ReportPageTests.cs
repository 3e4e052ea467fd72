using Microsoft.Playwright;
using Pql.Cli;
using Pql.Core.Application;

namespace Pql.Server.Tests;

/// <summary>
/// The lift report and the feedback loop in headless chromium (Debian's, never a downloaded browser): the report file opens with no server
/// and no network and draws its charts; a rep marks an account as a false positive from its page. Screenshots go to docs/screenshots/.
/// </summary>
public sealed class ReportPageTests : IDisposable
{
    private static readonly string[] s_chromiumArgs =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private readonly string _dir = Directory.CreateTempSubdirectory("pql-report-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static void Pql(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = CliApp.Run(args, output, error);
        Assert.True(code == 0, $"pql {string.Join(' ', args)} exited {code}: {error}{output}");
    }

    private static Task<IBrowser> Launch(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = ChromiumFactAttribute.Executable,
        Headless = true,
        Args = s_chromiumArgs,
    });

    [ChromiumFact]
    public async Task The_report_renders_offline_with_its_charts_and_treated_versus_control()
    {
        var world = Path.Combine(_dir, "world");
        Pql("generate", "--accounts", "800", "--days", "150", "--out", world);
        ReplacePlaybooks(world);   // a webhook playbook holding out 10%; pql score queues its actions without sending them
        Pql("train", "--workspace", world, "--goal", "conversion", "--as-of", "2026-09-29");
        Pql("score", "--workspace", world, "--goal", "conversion", "--as-of", "2026-09-29", "--out", Path.Combine(_dir, "a.csv"));
        Pql("score", "--workspace", world, "--goal", "conversion", "--as-of", "2026-10-31", "--out", Path.Combine(_dir, "b.csv"));
        Pql("feedback", "add", "--workspace", world, "--goal", "conversion", "--entity", "a1", "--kind", "false_positive", "--reason", "no budget", "--by", "bob");
        var html = Path.Combine(_dir, "report.html");
        Pql("report", "--workspace", world, "--goal", "conversion", "--out", html);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Launch(playwright);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1200, Height = 900 }, Offline = true });
        var requests = new List<string>();
        context.Request += (_, r) => requests.Add(r.Url);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(html).AbsoluteUri);

        Assert.True(await page.Locator("svg").CountAsync() >= 5);
        Assert.True(await page.Locator("#tiers svg rect").CountAsync() >= 3);
        Assert.True(await page.Locator("#curves svg path").CountAsync() >= 2);   // lift curve and calibration
        var row = await page.Locator("#playbooks table tr:nth-child(2)").InnerTextAsync();
        Assert.StartsWith("outreach", row, StringComparison.Ordinal);
        Assert.Contains("within bounds", row, StringComparison.Ordinal);
        Assert.Contains("estimate", await page.Locator("#performance").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("false positive\t1", await page.Locator("#feedback").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await page.Locator($"#{ReportDriftHtml.Section}").CountAsync());
        Assert.All(requests, u => Assert.StartsWith("file:", u, StringComparison.Ordinal));   // nothing fetched from anywhere
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshots.Path("report.png"), FullPage = true });
    }

    [ChromiumFact]
    public async Task A_rep_marks_an_account_as_a_false_positive_from_its_page_and_sees_its_override_and_health()
    {
        await using var server = await RunningServer.StartAsync();
        using var writer = server.Client(server.WriteKey);
        using var reader = server.Client(server.ReadKey);
        var page0 = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement>(reader, "/v1/goals/conversion/scores?tier=assisted&pageSize=1");
        var account = page0.GetProperty("rows")[0].GetProperty("entityId").GetString()!;
        var set = await writer.PostAsync("/v1/goals/conversion/overrides",
            RunningServer.Json($$"""{"entities":["{{account}}"],"tier":"high_touch","reason":"champion asked for pricing","expires":"14d"}"""));
        Assert.True(set.IsSuccessStatusCode, await set.Content.ReadAsStringAsync());

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Launch(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        await page.GotoAsync(server.Address.ToString());
        await page.FillAsync("#key", server.ReadKey);
        await page.ClickAsync("#login-form button");
        await page.Locator("#scores tbody tr").First.WaitForAsync();
        await page.GotoAsync(server.Address + "#/account/" + account);
        await page.Locator("form.feedback").First.WaitForAsync();

        Assert.Contains("champion asked for pricing", await page.Locator(".override-line").First.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Matches(@"health \d+/100", await page.Locator("#health").InnerTextAsync());
        var form = page.Locator("form.feedback").First;
        await form.Locator("input[name=reason]").FillAsync("no budget until Q3");
        await form.Locator("button[value=false_positive]").ClickAsync();
        await page.Locator(".feedback-result:has-text('Recorded')").First.WaitForAsync();
        Assert.Contains("by key:rep_07", await form.Locator(".feedback-result").InnerTextAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshots.Path("entity-feedback.png"), FullPage = false });

        var stored = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement>(reader, "/v1/goals/conversion/feedback");
        var entry = Assert.Single(stored.EnumerateArray());
        Assert.Equal((account, "no budget until Q3"), (entry.GetProperty("entityId").GetString(), entry.GetProperty("reason").GetString()));
    }

    private static void ReplacePlaybooks(string world)
    {
        var kept = new System.Text.StringBuilder();
        var skipping = false;
        foreach (var line in File.ReadAllLines(Path.Combine(world, "pql.yaml")))
        {
            if (line.Length > 0 && line[0] is not (' ' or '#' or '-'))
                skipping = line.StartsWith("triggers:", StringComparison.Ordinal) || line.StartsWith("playbooks:", StringComparison.Ordinal) || line.StartsWith("connectors:", StringComparison.Ordinal);
            if (!skipping)
                kept.AppendLine(line);
        }
        kept.Append("""

            triggers:
              - name: newly_scored
                goal: conversion
                when: { first_scored: true }
                playbook: outreach
            playbooks:
              outreach:
                holdout: 0.1
                steps:
                  - { connector: hook, action: post, template: "{{entity_id}} is {{tier}}" }
            connectors:
              hook: { kind: webhook, url: "http://127.0.0.1:9/hook", secret: "not-used-score-queues-only" }

            """);
        File.WriteAllText(Path.Combine(world, "pql.yaml"), kept.ToString());
    }
}

/// <summary>Where the browser tests keep their screenshots: docs/screenshots/ of the repository.</summary>
internal static class Screenshots
{
    public static string Path(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Pql.slnx")))
            dir = dir.Parent;
        var folder = System.IO.Path.Combine(dir?.FullName ?? System.IO.Path.GetTempPath(), "docs", "screenshots");
        Directory.CreateDirectory(folder);
        return System.IO.Path.Combine(folder, name);
    }
}
