using System.Text.RegularExpressions;
using RecallKit.Tests.Support;
using RecallKit.Tests.Training;
using RecallKit.Vision.Experiments;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Reports;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace RecallKit.Tests.Reports;

[Collection(nameof(GlobalTorchState))]
public sealed partial class HtmlReportTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-html-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [GeneratedRegex("<img alt=\"[^\"]*\" src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\">")]
    private static partial Regex InlineImage();

    [Fact]
    public void TablesFormattingAndFiguresBecomeSelfContainedHtml()
    {
        Directory.CreateDirectory(Path.Combine(dir, "figures"));
        using (var png = new Image<Rgb24>(7, 3, new Rgb24(10, 200, 30))) png.SaveAsPng(Path.Combine(dir, "figures", "a.png"));
        var markdown = "# Title\n\nSome `code` and **bold** and *italic* <text>.\n\n| loss | mIoU |\n|---|---:|\n| ce | **55.0** |\n| recall | *54.1* |\n\n![a figure](figures/a.png)\n";

        var html = HtmlReport.FromMarkdown(markdown, dir, "T");

        Assert.Contains("<h1>Title</h1>", html);
        Assert.Contains("<p>Some <code>code</code> and <strong>bold</strong> and <em>italic</em> &lt;text&gt;.</p>", html);
        Assert.Contains("<thead><tr><th>loss</th><th class=\"num\">mIoU</th></tr></thead>", html);
        Assert.Contains("<tr><td>ce</td><td class=\"num\"><strong>55.0</strong></td></tr>", html);
        Assert.Contains("<tr><td>recall</td><td class=\"num\"><em>54.1</em></td></tr>", html);
        var data = InlineImage().Match(html);
        Assert.True(data.Success);
        using var image = Image.Load<Rgb24>(Convert.FromBase64String(data.Groups[1].Value));
        Assert.Equal((7, 3), (image.Width, image.Height));
        Assert.Equal(new Rgb24(10, 200, 30), image[6, 2]);
        Assert.DoesNotContain("figures/a.png", html);
    }

    [Fact]
    public void AMissingOrNonPngFigureIsAClearError()
    {
        var missing = Assert.Throws<FileNotFoundException>(() => HtmlReport.FromMarkdown("![x](figures/none.png)\n", dir, "T"));
        Assert.Contains("figures/none.png", missing.Message);
        File.WriteAllText(Path.Combine(dir, "fake.png"), "not a png");
        Assert.Contains("is not a PNG file", Assert.Throws<InvalidDataException>(() => HtmlReport.FromMarkdown("![x](fake.png)\n", dir, "T")).Message);
    }

    private void Train(string variant, LossKind kind) => TinyTraining.FinishedRun(Path.Combine(dir, variant), kind);

    [Fact]
    public async Task TheComparisonReportPageRendersInChromiumWithEveryFigureLoaded()
    {
        Train("ce", LossKind.CrossEntropy);
        Train("recall", LossKind.Recall);
        var markdown = ComparisonReport.Write(dir, VisionTasks.Report);
        var page = Path.Combine(dir, ComparisonReport.HtmlFileName);
        var html = await File.ReadAllTextAsync(page, TestContext.Current.CancellationToken);

        // Every figure of report.md is inline as a valid PNG, and the page links no file.
        int figures = markdown.Split('\n').Count(l => l.StartsWith("![", StringComparison.Ordinal));
        var images = InlineImage().Matches(html);
        Assert.Equal(figures, images.Count);
        Assert.Equal(6, figures); // class accuracy, class IoU, precision–recall, recall weights, loss, validation
        foreach (Match m in images)
        {
            using var image = Image.Load<Rgba32>(Convert.FromBase64String(m.Groups[1].Value));
            Assert.True(image.Width >= 600 && image.Height >= 400);
        }
        Assert.DoesNotContain("src=\"figures/", html);

        if (HeadlessChromium.Find() is not { } chromium)
        {
            Assert.Skip("chromium is missing (apt-get install chromium): the page was checked without rendering it");
            return;
        }
        var ct = TestContext.Current.CancellationToken;
        // A copy of the page with a probe that marks <body> once every image has decoded.
        var probe = Path.Combine(dir, "probe.html");
        await File.WriteAllTextAsync(probe, html.Replace("</body>",
            "<script>window.addEventListener('load', () => { const all = [...document.images]; " +
            "document.body.setAttribute('data-images', all.length + ':' + all.filter(i => i.complete && i.naturalWidth > 0).length); });</script></body>"), ct);
        var (code, dom, stderr) = await HeadlessChromium.RunAsync(chromium, ["--virtual-time-budget=10000", "--dump-dom", new Uri(probe).AbsoluteUri],
            Path.Combine(dir, "profile-dom"), ct);
        Assert.True(code == 0, stderr);
        Assert.Contains($"data-images=\"{figures}:{figures}\"", dom);

        var screenshot = Path.Combine(dir, "page.png");
        (code, _, stderr) = await HeadlessChromium.RunAsync(chromium, [$"--screenshot={screenshot}", "--window-size=1200,2000", new Uri(page).AbsoluteUri],
            Path.Combine(dir, "profile-shot"), ct);
        Assert.True(code == 0 && File.Exists(screenshot), stderr);
        using var shot = Image.Load<Rgb24>(screenshot);
        Assert.Equal((1200, 2000), (shot.Width, shot.Height));
        var colours = new HashSet<Rgb24>();
        shot.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y += 2)
            {
                var row = rows.GetRowSpan(y);
                for (int x = 0; x < row.Length; x += 2) colours.Add(row[x]);
            }
        });
        TestContext.Current.TestOutputHelper?.WriteLine($"screenshot: {colours.Count} distinct colours");
        Assert.True(colours.Count > 200, $"the rendered page has only {colours.Count} distinct colours: blank or figures missing");
    }
}
