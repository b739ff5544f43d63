using System.Globalization;
using System.Text.Json.Nodes;
using RecallKit.Vision.Experiments;
using RecallKit.Vision.Reports;

namespace RecallKit.Tests.Reports;

/// <summary>
/// The report a researcher reads, on hand-made run directories (every number chosen here, no training): per-class tables rare
/// classes first, one colour per loss in every figure, precision–recall labels that never overlap, every Δ in points, and
/// class shares that say which split they were counted on.
/// </summary>
public sealed class ReadableReportTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-readable-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>Six classes, listed neither by name nor by frequency; pole and bike tie (50 px each).</summary>
    private static readonly (string Name, long Pixels)[] Classes = [("road", 5000), ("sky", 3000), ("car", 500), ("pole", 50), ("sign", 10), ("bike", 50)];

    /// <summary>Per variant, per class: (recall, precision, IoU); null = undefined.</summary>
    private static readonly Dictionary<string, (double? Recall, double? Precision, double? IoU)[]> Values = new()
    {
        ["ce"] = [(0.95, 0.90, 0.86), (0.90, 0.92, 0.83), (0.60, 0.70, 0.48), (0.20, 0.50, 0.17), (0.10, null, 0.0), (0.30, 0.40, 0.21)],
        ["recall"] = [(0.90, 0.93, 0.84), (0.88, 0.94, 0.83), (0.70, 0.65, 0.51), (0.50, 0.45, 0.31), (0.40, 0.30, 0.21), (0.45, 0.35, 0.25)],
        ["class-balanced"] = [(0.80, 0.96, 0.78), (0.85, 0.95, 0.81), (0.75, 0.50, 0.43), (0.60, 0.20, 0.18), (0.20, 0.10, 0.07), (0.55, 0.25, 0.21)],
    };

    private static double Mean(IEnumerable<double?> xs) => xs.Where(x => x.HasValue).Average(x => x!.Value);

    /// <summary>A finished run as the trainer leaves it: config.json, metrics.json, train_log.csv and eval_log.csv.</summary>
    private void HandMadeRun(string variant, string lossKind, bool weights)
    {
        var run = Directory.CreateDirectory(Path.Combine(dir, variant)).FullName;
        File.WriteAllText(Path.Combine(run, "config.json"),
            $$"""{"seed": 0, "model": {"architecture": "lite_seg"}, "loss": {"kind": "{{lossKind}}"}, "output": "{{run}}"}""");
        var v = Values[variant];
        var classes = new JsonArray(Classes.Select((c, i) => (JsonNode)new JsonObject
        {
            ["name"] = c.Name, ["accuracy"] = v[i].Recall, ["precision"] = v[i].Precision, ["iou"] = v[i].IoU, ["pixels"] = c.Pixels,
            ["dice"] = 0.5, ["fscore"] = 0.5,
        }).ToArray());
        var metrics = new JsonObject
        {
            ["step"] = 20, ["overall_accuracy"] = 0.9, ["mean_accuracy"] = Mean(v.Select(x => x.Recall)), ["mean_iou"] = Mean(v.Select(x => x.IoU)),
            ["mean_precision"] = Mean(v.Select(x => x.Precision)), ["frequency_weighted_iou"] = 0.8, ["classes"] = classes, ["mean_dice"] = 0.5, ["mean_fscore"] = 0.5,
        };
        File.WriteAllText(Path.Combine(run, "metrics.json"), metrics.ToJsonString());
        string W(int step) => weights ? string.Join(",", Classes.Select((_, i) => (0.1 * (i + 1) + (0.001 * step)).ToString(CultureInfo.InvariantCulture))) : string.Join(",", Classes.Select(_ => "NaN"));
        File.WriteAllText(Path.Combine(run, "train_log.csv"),
            "step,loss,lr," + string.Join(",", Classes.Select(c => "w_" + c.Name)) + "\n" +
            string.Concat(new[] { 5, 10, 15, 20 }.Select(s => $"{s},{(2.0 / s).ToString(CultureInfo.InvariantCulture)},0.001,{W(s)}\n")));
        File.WriteAllText(Path.Combine(run, "eval_log.csv"),
            "step,overall_accuracy,mean_accuracy,mean_iou,mean_precision,mean_dice,mean_fscore\n10,0.8,0.4,0.3,0.5,0.4,0.4\n20,0.9,0.5,0.4,0.6,0.5,0.5\n");
    }

    private (string Markdown, IReadOnlyList<ReportFigure> Figures, LossPalette Palette) ThreeLosses()
    {
        HandMadeRun("ce", "cross_entropy", weights: false);
        HandMadeRun("recall", "recall", weights: true);
        HandMadeRun("class-balanced", "inverse_frequency", weights: true);
        return ComparisonReport.WriteWithFigures(dir, VisionTasks.Report);
    }

    private static string[] TableUnder(string markdown, string heading) =>
        markdown.Split(heading + "\n")[1].TrimStart('\n').Split("\n\n")[0].Split('\n');

    [Fact]
    public void PerClassTablesListRareClassesFirstWithEveryLossAndTheBestInBold()
    {
        var (markdown, _, _) = ThreeLosses();

        Assert.Contains("## Per-class results", markdown);
        Assert.Contains("Rare classes first, by share of the validation split's pixels", markdown);
        // Shares of 8610 px: sign 10 → 0.12 %, pole and bike 50 → 0.58 % (tie: class order), car 5.81, sky 34.84, road 58.07.
        Assert.Equal(
        [
            "| class | val. pixel share (%) | ce | class-balanced | recall |",
            "|---|---:|---:|---:|---:|",
            "| sign | 0.12 | 10.0 | *20.0* | **40.0** |",
            "| pole | 0.58 | 20.0 | **60.0** | *50.0* |",
            "| bike | 0.58 | 30.0 | **55.0** | *45.0* |",
            "| car | 5.81 | 60.0 | **75.0** | *70.0* |",
            "| sky | 34.84 | **90.0** | 85.0 | *88.0* |",
            "| road | 58.07 | **95.0** | 80.0 | *90.0* |",
        ], TableUnder(markdown, "### Recall (class accuracy), %"));
        var precision = TableUnder(markdown, "### Precision, %");
        Assert.Equal("| sign | 0.12 | – | 10.0 | **30.0** |", precision[2]); // ce never predicted sign: undefined; of two values only the best is marked
        var iou = TableUnder(markdown, "### IoU, %");
        Assert.Equal("| road | 58.07 | **86.0** | 78.0 | *84.0* |", iou[^1]);
        // The same tables in the page, as HTML tables.
        var html = File.ReadAllText(Path.Combine(dir, ComparisonReport.HtmlFileName));
        Assert.Contains("<h3>Recall (class accuracy), %</h3>", html);
        Assert.Contains("<tr><td>sign</td><td class=\"num\">0.12</td><td class=\"num\">10.0</td><td class=\"num\"><em>20.0</em></td><td class=\"num\"><strong>40.0</strong></td></tr>", html);
    }

    [Fact]
    public void EveryFigureDrawsALossInTheSameColour()
    {
        var (_, figures, palette) = ThreeLosses();
        string[] variants = ["ce", "class-balanced", "recall"];
        Assert.Equal(3, variants.Select(palette.Of).Distinct().Count());

        var byVariant = new[] { "class_accuracy.png", "class_iou.png", "precision_recall.png", "training_loss.png", "validation_miou.png" };
        foreach (var file in byVariant)
        {
            var legend = figures.Single(f => f.File == file).Legend;
            foreach (var variant in variants)
            {
                // "recall", "recall mIoU", "recall mAcc": every entry of a variant, whatever it shows.
                var entries = legend.Where(e => e.Text == variant || e.Text.StartsWith(variant + " ", StringComparison.Ordinal)).ToArray();
                Assert.True(entries.Length > 0, $"{file} has no legend entry for {variant}");
                foreach (var (text, colour) in entries) Assert.True(colour == palette.Of(variant), $"{file}: '{text}' is {colour}, not {variant}'s {palette.Of(variant)}");
            }
        }
        Assert.Equal(6, figures.Single(f => f.File == "validation_miou.png").Legend.Count); // mIoU and mAcc per loss, told apart by line pattern

        // The class-weight figures colour classes, so none of their lines takes a loss colour.
        foreach (var file in new[] { "class_weights_recall.png", "class_weights_class-balanced.png" })
        {
            var legend = figures.Single(f => f.File == file).Legend;
            Assert.Equal(Classes.Length, legend.Count);
            Assert.DoesNotContain(legend, e => palette.Colours.Values.Contains(e.Color));
        }
    }

    [Fact]
    public void PrecisionRecallLabelsNameEveryClassOnceAndNeverOverlap()
    {
        var (markdown, figures, _) = ThreeLosses();
        var figure = figures.Single(f => f.File == "precision_recall.png");

        Assert.Equal(Classes.Length, figure.Labels.Count); // one label per class
        for (int i = 0; i < figure.Labels.Count; i++)
        {
            Assert.True(figure.Labels[i].Width > 10 && figure.Labels[i].Height > 5, $"label {i} was not drawn");
            Assert.True(figure.Labels[i].Inside(figure.DataArea), $"label {i} {figure.Labels[i]} is outside the data area {figure.DataArea}");
            for (int j = i + 1; j < figure.Labels.Count; j++)
                Assert.False(figure.Labels[i].Intersects(figure.Labels[j]), $"labels {i} {figure.Labels[i]} and {j} {figure.Labels[j]} overlap");
        }
        Assert.Contains("each class is named once", markdown);
    }

    [Fact]
    public void EveryDeltaIsInPercentagePointsAndSaysSo()
    {
        var (markdown, _, _) = ThreeLosses();
        var table = markdown.Split("## Paired differences")[0];
        Assert.Contains("| loss | mAcc | mIoU | Δ mAcc vs CE (pts) | Δ mIoU vs CE (pts) |", table);
        Assert.Contains("Δ mAcc and Δ mIoU: the variant minus cross-entropy, in percentage points (pts)", table);
        Assert.DoesNotContain(" %", table.Split('\n').Single(l => l.StartsWith("| recall ", StringComparison.Ordinal)));
        string Cell(string variant, int column) => table.Split('\n').Single(l => l.StartsWith($"| {variant} ", StringComparison.Ordinal)).Split('|')[column].Trim().Trim('*');
        // ce mAcc = mean(95, 90, 60, 20, 10, 30) = 50.83; recall = mean(90, 88, 70, 50, 40, 45) = 63.83: +13.0 points (a relative Δ would be +25.6 %).
        Assert.Equal("+13.0", Cell("recall", 4));
        // mIoU: ce mean(86, 83, 48, 17, 0, 21) = 42.5; class-balanced mean(78, 81, 43, 18, 7, 21) = 41.33: −1.2 points.
        Assert.Equal("-1.2", Cell("class-balanced", 5));
        var paired = markdown.Split("## Paired differences")[1];
        Assert.Contains("in percentage points (pts)", paired);
        Assert.Contains("| difference | paired seeds | Δ mAcc (pts) | Δ mIoU (pts) |", paired);
        Assert.Equal("+13.0", paired.Split('\n').Single(l => l.StartsWith("| recall ", StringComparison.Ordinal)).Split('|')[3].Trim());
    }

    [Fact]
    public void ClassSharesSayWhichSplitTheyWereCountedOn()
    {
        var (markdown, _, _) = ThreeLosses();
        Assert.Contains("Class shares (per-class figures and tables) are each class's share of the validation split's pixels", markdown);
        Assert.Contains("the runs do not record the training split's counts", markdown);

        var withTraining = new RunResults("", Vision.Configuration.ConfigLoader.FromJson("""{"data": {"kind": "cifar10_lt"}, "model": {"architecture": "resnet32_cifar"}}"""),
            0.5, double.NaN, 0.5, 0.5, double.NaN,
            [new ClassResult("cat", 0.5, 0.5, 0.3, 100, TrainingSamples: 5000), new ClassResult("dog", 0.5, 0.5, 0.3, 100, TrainingSamples: 50)],
            CsvTable.Empty, CsvTable.Empty);
        var shares = ClassShares.Of(withTraining, VisionTasks.Report(withTraining.Task).CountedUnit);
        Assert.Equal(("training", "images"), (shares.Split, shares.Unit));
        Assert.Equal([1, 0], shares.RareFirst());
        Assert.Equal(100.0 * 50 / 5050, shares.Percent(1), 12);
        Assert.Equal("train image share (%)", shares.ColumnHeader);
        Assert.Contains("share of the training split's images, as the runs recorded it", ComparisonReport.ShareSentence(shares));
    }

    [Fact]
    public void ClassesWhosePointsCoincideUnderOneLossAreNamedWhereTheyDiffer()
    {
        // Never predicted under ce: pole, sign and bike all sit at (0, 0); under recall they are apart, and road is apart under both.
        var file = Path.Combine(dir, "pr.png");
        var figure = Charts.PrecisionRecall(file, "t", ["road", "pole", "sign", "bike"],
            [("ce", [95.0, double.NaN, double.NaN, double.NaN], [96.0, 0, 0, 0]), ("recall", [90.0, 30, 50, 70], [95.0, 40, 20, 60])],
            new LossPalette(["ce", "recall"]));

        Assert.Equal([("road", "ce"), ("pole", "recall"), ("sign", "recall"), ("bike", "recall")], figure.LabelledPoints);
        Assert.Equal(4, figure.Labels.Count);
        for (int i = 0; i < 4; i++)
            for (int j = i + 1; j < 4; j++)
                Assert.False(figure.Labels[i].Intersects(figure.Labels[j]));
        Assert.True(File.Exists(file));
    }

    [Fact]
    public async Task TheReportCommandPrintsTheSummaryTablesAndLeavesThePerClassTablesToTheFiles()
    {
        HandMadeRun("ce", "cross_entropy", weights: false);
        HandMadeRun("recall", "recall", weights: true);

        var (code, stdout, stderr) = await Support.CliProcess.RunAsync("report", dir);

        Assert.True(code == 0, stderr);
        Assert.Contains("| loss | mAcc | mIoU | Δ mAcc vs CE (pts) | Δ mIoU vs CE (pts) |", stdout);
        Assert.Contains("| recall − ce | 1 | +13.0 |", stdout);
        Assert.DoesNotContain("| class |", stdout);
        Assert.Contains("| sign | 0.12 | 10.0 | **40.0** |", File.ReadAllText(Path.Combine(dir, "report.md")));
    }
}
