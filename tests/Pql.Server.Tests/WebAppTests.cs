using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Pql.Server.Tests;

/// <summary>A test that needs Debian's chromium (apt-get install -y chromium); skipped, with the reason, when it is absent.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string Executable = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(Executable))
            Skip = $"{Executable} is absent: install Debian's chromium (apt-get install -y chromium) to run the browser tests";
    }
}

/// <summary>The rep's web app in headless chromium, one test per journey; screenshots go to docs/screenshots/.</summary>
public sealed class WebAppTests
{
    private static readonly string[] s_chromiumArgs =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    [ChromiumFact]
    public async Task A_rep_signs_in_sees_the_account_list_filters_it_by_tier_and_opens_an_account_with_its_drivers()
    {
        // A retrain of the demo's conversion goal, so its current version has a change log against the version it replaced.
        var workspace = DemoWorkspace.Copy();
        var (trainOut, trainErr) = (new StringWriter(), new StringWriter());
        Assert.True(Pql.Cli.CliApp.Run(["train", "--workspace", workspace, "--goal", "conversion", "--by", "alice"], trainOut, trainErr) == 0, $"{trainErr}{trainOut}");
        await using var server = await RunningServer.StartAsync(workspace: workspace);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumFactAttribute.Executable,
            Headless = true,
            Args = s_chromiumArgs,
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        await page.GotoAsync(server.Address.ToString());
        await page.FillAsync("#key", server.ReadKey);
        await page.ClickAsync("#login-form button");

        var rows = page.Locator("#scores tbody tr");
        await rows.First.WaitForAsync();
        Assert.True(await rows.CountAsync() >= 10);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("account-list.png"), FullPage = false });

        // The filter options are the values in the data, not a fixed list.
        using var reader = server.Client(server.ReadKey);
        var facets = await reader.GetFromJsonAsync<JsonElement>("/v1/goals/conversion/facets");
        var options = await page.Locator("select[name=tier] option").AllInnerTextsAsync();
        Assert.Equal(facets.GetProperty("tiers").EnumerateArray().Select(t => t.GetString()), options.Skip(1));
        var segments = await page.Locator("select[name=segment] option").AllInnerTextsAsync();
        Assert.Equal(facets.GetProperty("segments").EnumerateArray().Select(t => t.GetString()), segments.Skip(1));
        Assert.NotEmpty(segments.Skip(1));

        await page.SelectOptionAsync("select[name=tier]", "high_touch");
        await page.ClickAsync("#filters button");
        await page.WaitForURLAsync("**tier=high_touch**");
        await page.Locator("#scores tbody tr").First.WaitForAsync();
        var tiers = await page.Locator("#scores tbody tr td:nth-child(4)").AllInnerTextsAsync();
        Assert.NotEmpty(tiers);
        Assert.All(tiers, t => Assert.Equal("high_touch", t.Trim()));

        await page.Locator("#scores tbody tr td a").First.ClickAsync();
        var drivers = page.Locator("#drivers tbody tr");
        await drivers.First.WaitForAsync();
        Assert.True(await drivers.CountAsync() >= 1);
        Assert.NotEmpty((await drivers.First.InnerTextAsync()).Trim());
        Assert.Contains(" points)", await drivers.First.Locator("td").First.InnerTextAsync(), StringComparison.Ordinal); // the driver's sentence, for the rep
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("entity-page.png"), FullPage = true });

        // The model page draws each goal's calibration and lift from its validation deciles.
        await page.ClickAsync("header >> text=Models");
        await page.Locator("svg.calibration circle").First.WaitForAsync();
        Assert.True(await page.Locator("svg.calibration").First.Locator("circle").CountAsync() >= 5);
        Assert.True(await page.Locator("svg.lift").First.Locator("rect").CountAsync() >= 5);
        // Each model shows its version change log (from the models API); the retrained goal's compares it with the version it replaced.
        var cards = page.Locator(".card.model");
        Assert.True(await cards.CountAsync() >= 1);
        for (var i = 0; i < await cards.CountAsync(); i++)
            Assert.True(await cards.Nth(i).Locator(".changelog").IsVisibleAsync());
        var conversion = cards.Filter(new LocatorFilterOptions { HasText = "conversion:" }).Locator(".changelog");
        Assert.True(await conversion.IsVisibleAsync());
        var log = await conversion.InnerTextAsync();
        Assert.Contains("Change log: conversion", log, StringComparison.Ordinal);
        Assert.Contains("(replacing ", log, StringComparison.Ordinal);
        Assert.True(await conversion.Locator("table tr", new LocatorLocatorOptions { HasText = "ROC AUC" }).First.IsVisibleAsync());
        Assert.True(await conversion.Locator("table").CountAsync() >= 3);   // metrics, top inputs, tier movement (and calibration)
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Screenshot("model-page.png"), FullPage = true });
    }

    private static string Screenshot(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Pql.slnx")))
            dir = dir.Parent;
        var folder = Path.Combine(dir?.FullName ?? Path.GetTempPath(), "docs", "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }
}
