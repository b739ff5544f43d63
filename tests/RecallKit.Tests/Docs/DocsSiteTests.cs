using System.Text.Json;
using System.Text.RegularExpressions;
using RecallKit.Tests.Support;

namespace RecallKit.Tests.Docs;

/// <summary>The documentation site built by DocFX: two pages rendered in headless Chromium, their links, the search index.</summary>
public sealed partial class DocsSiteTests() : TempDirectoryTest("recallkit-docs-")
{
    [Theory]
    [InlineData("index.html", "Getting started", "dotnet test RecallKit.slnx")]
    [InlineData("api/RecallKit.Losses.RecallCrossEntropy.html", "Class RecallCrossEntropy", "ema_alpha")]
    public async Task APageRendersWithItsTitleAndEveryLocalLinkResolves(string page, string title, string expectedText)
    {
        var ct = TestContext.Current.CancellationToken;
        var site = await DocsSite.BuiltAsync(ct);
        Assert.True(File.Exists(Path.Combine(site, page)), $"{page} is missing from {site}");

        // Every href and src of the page as built (before scripts run) names a file of the site.
        var html = await File.ReadAllTextAsync(Path.Combine(site, page), ct);
        var broken = LocalLinks(html).Select(link => (link, file: Resolve(site, page, link))).Where(l => !File.Exists(l.file)).Select(l => l.link).ToList();
        Assert.True(broken.Count == 0, $"{page} links to files the site lacks: {string.Join(", ", broken)}");

        if (HeadlessChromium.Find() is not { } chromium)
        {
            Assert.Skip("chromium is missing (apt-get install chromium): the page's links were checked without rendering it");
            return;
        }
        using var server = new StaticFileServer(site);
        var (code, dom, stderr) = await HeadlessChromium.RunAsync(chromium, ["--virtual-time-budget=10000", "--dump-dom", server.Prefix + page],
            Path.Combine(dir, "profile"), ct);
        Assert.True(code == 0, stderr);

        Assert.Contains($"<title>{title} | RecallKit", dom);
        var article = Article().Match(dom);
        Assert.True(article.Success, $"{page}: no <article> in the rendered page");
        var text = WebUtility(article.Groups[1].Value);
        Assert.True(text.Length > 300, $"{page}: the article has only {text.Length} characters of text: {text}");
        Assert.Contains(expectedText, text);
        // The table of contents, which the template fetches and renders with script, is on the page.
        Assert.Contains("Configuration reference", dom);

        // Links the scripts added (table of contents, breadcrumbs) resolve too, and the browser asked for nothing missing.
        var brokenRendered = LocalLinks(dom).Where(link => !File.Exists(Resolve(site, page, link))).ToList();
        Assert.True(brokenRendered.Count == 0, $"{page} (rendered) links to files the site lacks: {string.Join(", ", brokenRendered)}");
        Assert.True(server.Missing.IsEmpty, $"{page}: the browser requested files the site lacks: {string.Join(", ", server.Missing)}");
        Assert.Contains("/toc.json", server.Requested);
    }

    [Fact]
    public async Task TheSearchIndexCoversTheArticlesAndTheApiReference()
    {
        var site = await DocsSite.BuiltAsync(TestContext.Current.CancellationToken);
        var path = Path.Combine(site, "index.json");
        Assert.True(File.Exists(path), "docs/_site/index.json (the search index) is missing");
        using var index = JsonDocument.Parse(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
        var entries = index.RootElement.EnumerateObject().ToDictionary(e => e.Name, e => e.Value);
        foreach (var page in new[] { "index.html", "configuration.html", "losses.html", "api/RecallKit.Losses.RecallCrossEntropy.html" })
        {
            Assert.True(entries.ContainsKey(page), $"the search index has no entry for {page}");
            Assert.True(File.Exists(Path.Combine(site, page)));
        }
        Assert.Contains("recall", entries["losses.html"].GetProperty("summary").GetString()!, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The page's href and src values that name a file of the site: relative, root-relative or on <c>http://127.0.0.1</c>.</summary>
    private static IEnumerable<string> LocalLinks(string html) =>
        Link().Matches(html).Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[2].Value))
            .Where(l => l.Length > 0 && !l.StartsWith('#') && !l.StartsWith("//", StringComparison.Ordinal))
            .Where(l => !Scheme().IsMatch(l) || l.StartsWith("http://127.0.0.1", StringComparison.Ordinal))
            .Distinct();

    private static string Resolve(string site, string page, string link)
    {
        var uri = new Uri(new Uri("http://127.0.0.1/" + page), link);
        var path = Uri.UnescapeDataString(uri.AbsolutePath).TrimStart('/');
        if (path.Length == 0 || path.EndsWith('/')) path += "index.html";
        return Path.Combine(site, path);
    }

    private static string WebUtility(string html) =>
        System.Net.WebUtility.HtmlDecode(Regex.Replace(Regex.Replace(html, "<[^>]+>", " "), @"\s+", " ")).Trim();

    [GeneratedRegex(@"\s(href|src)\s*=\s*""([^""]*)""", RegexOptions.IgnoreCase)]
    private static partial Regex Link();

    [GeneratedRegex("^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex Scheme();

    [GeneratedRegex("<article[^>]*>(.*?)</article>", RegexOptions.Singleline)]
    private static partial Regex Article();
}
