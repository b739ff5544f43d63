using System.Globalization;
using RecallKit.Vision.Experiments;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Reports;

namespace RecallKit.Tests.Reports;

/// <summary>Paired differences vs cross-entropy with 95 % t-intervals, on hand-made results (no training).</summary>
public sealed class ComparisonReportPairedDifferenceTests
{
    private static RunResults Run(LossKind loss, int seed, double mAcc, double mIoU, string architecture = "lite_seg", double top1 = double.NaN)
    {
        var config = ConfigLoader.FromJson("{\"seed\": " + seed + ", \"model\": {\"architecture\": \"" + architecture + "\"}}") with { Loss = new LossConfig { Kind = loss } };
        return new RunResults("", config, mAcc / 100, mIoU / 100, 0.9, mAcc / 100, mIoU / 100,
            [new ClassResult("a", 0.5, 0.5, 0.5, 10), new ClassResult("b", 0.5, 0.5, 0.5, 5)], CsvTable.Empty, CsvTable.Empty)
        {
            Classification = (top1 / 100, double.NaN, double.NaN, double.NaN, double.NaN),
        };
    }

    /// <summary>CE at mAcc 50/60/70 and mIoU 40/45/50; recall +1/+2/+3 mAcc and +2/+2.5/+3 mIoU, its runs listed out of seed order.</summary>
    private static IReadOnlyList<VariantResults> ThreeSeeds() =>
    [
        new("ce", [Run(LossKind.CrossEntropy, 0, 50, 40), Run(LossKind.CrossEntropy, 1, 60, 45), Run(LossKind.CrossEntropy, 2, 70, 50)]),
        new("recall", [Run(LossKind.Recall, 2, 73, 53), Run(LossKind.Recall, 0, 51, 42), Run(LossKind.Recall, 1, 62, 47.5)]),
    ];

    [Fact]
    public void DifferencesOneTwoThreeGiveMeanTwoSdOneAndHalfWidthT2TimesSdOverRootThree()
    {
        var d = PairedDifference.Of([1.0, 2.0, 3.0]);
        Assert.Equal(3, d.Seeds);
        Assert.Equal(2.0, d.Mean, 12);
        Assert.Equal(1.0, d.StandardDeviation, 12);
        Assert.Equal(4.3027 / Math.Sqrt(3), d.HalfWidth, 12);
        Assert.Equal(2.484, d.HalfWidth, 3);
        Assert.Equal(-0.484, d.Lower, 3);
        Assert.Equal(4.484, d.Upper, 3);
        Assert.False(d.Significant); // the interval contains 0

        var e = PairedDifference.Of([2.0, 2.5, 3.0]); // mean 2.5, sd 0.5 → ± 1.242, excludes 0
        Assert.Equal(0.5, e.StandardDeviation, 12);
        Assert.Equal(1.242, e.HalfWidth, 3);
        Assert.True(e.Significant);
    }

    [Fact]
    public void TQuantilesComeFromTheTableAndTheExpansionBeyondIt()
    {
        Assert.Equal(12.7062, StudentT.Quantile975(1));
        Assert.Equal(4.3027, StudentT.Quantile975(2));
        Assert.Equal(2.0423, StudentT.Quantile975(30));
        Assert.Equal(2.0395, StudentT.Quantile975(31), 1e-4);
        Assert.Equal(2.0211, StudentT.Quantile975(40), 1e-4);
        Assert.Equal(1.9840, StudentT.Quantile975(100), 1e-4);
        Assert.Throws<ArgumentOutOfRangeException>(() => StudentT.Quantile975(0));
    }

    [Fact]
    public void DifferencesArePairedBySeedAndMarkedNotSignificantInTheReportTable()
    {
        var variants = ThreeSeeds();
        var mAcc = PairedDifference.Versus(variants[1], variants[0], r => 100 * r.MeanAccuracy)!;
        Assert.Equal(2.0, mAcc.Mean, 9); // paired by seed: 1, 2, 3 (by list position it would be 23, −9, −8)
        Assert.Equal(1.0, mAcc.StandardDeviation, 9);

        var markdown = PairedComparison.Markdown(variants, VisionTasks.Report(variants[0].Runs[0].Task));
        Assert.Contains("## Paired differences vs cross-entropy", markdown);
        var row = markdown.Split('\n').Single(l => l.StartsWith("| recall "));
        var cells = row.Split('|').Select(c => c.Trim()).ToArray();
        Assert.Equal("3", cells[2]);
        Assert.Equal($"+2.0 ± {2.5:0.0} n.s.", cells[3]);   // mAcc: 2 ± 2.484, contains 0
        Assert.Equal($"+2.5 ± {1.2:0.0}", cells[4]);        // mIoU: 2.5 ± 1.242, excludes 0
        Assert.DoesNotContain("| ce ", markdown);
        Assert.DoesNotContain("no interval", markdown);
    }

    [Fact]
    public void ResultsCsvCarriesTheDifferenceItsHalfWidthAndSignificance()
    {
        var variants = ThreeSeeds();
        var lines = ComparisonReport.Csv(variants, ["a", "b"], VisionTasks.Report(variants[0].Runs[0].Task)).TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        var header = lines[0].Split(',');
        Assert.Equal(7, lines.Length); // header + 2 variants × 3 seeds
        int Column(string name) => Array.IndexOf(header, name);
        var ce = lines[1].Split(',');
        var recall = lines.Skip(1).Select(l => l.Split(',')).Where(f => f[0] == "recall").ToArray();
        Assert.Equal("", ce[Column("diff_macc_vs_ce")]);
        Assert.Equal(3, recall.Length);
        foreach (var f in recall)
        {
            Assert.Equal(2.0, double.Parse(f[Column("diff_macc_vs_ce")], CultureInfo.InvariantCulture), 9);
            Assert.Equal(2.484, double.Parse(f[Column("ci95_macc")], CultureInfo.InvariantCulture), 3);
            Assert.Equal("n.s.", f[Column("significance_macc")]);
            Assert.Equal(2.5, double.Parse(f[Column("diff_miou_vs_ce")], CultureInfo.InvariantCulture), 9);
            Assert.Equal(1.242, double.Parse(f[Column("ci95_miou")], CultureInfo.InvariantCulture), 3);
            Assert.Equal("significant", f[Column("significance_miou")]);
            Assert.Equal("", f[Column("diff_top1_vs_ce")]);
        }
    }

    [Fact]
    public void OneSeedGivesTheDifferenceWithoutAnIntervalAndSaysSo()
    {
        IReadOnlyList<VariantResults> variants =
        [
            new("ce", [Run(LossKind.CrossEntropy, 0, 50, 40)]),
            new("recall", [Run(LossKind.Recall, 0, 53, 39)]),
        ];
        var markdown = PairedComparison.Markdown(variants, VisionTasks.Report(variants[0].Runs[0].Task));
        Assert.Contains("no interval", markdown);
        var cells = markdown.Split('\n').Single(l => l.StartsWith("| recall ")).Split('|').Select(c => c.Trim()).ToArray();
        Assert.Equal(["1", "+3.0", "-1.0"], cells[2..5]);
        var lines = ComparisonReport.Csv(variants, ["a", "b"], VisionTasks.Report(variants[0].Runs[0].Task)).Split('\n').Select(l => l.TrimEnd('\r').Split(',')).ToArray();
        string Field(string column) => lines[2][Array.IndexOf(lines[0], column)];
        Assert.Equal("recall", lines[2][0]);
        Assert.Equal(3.0, double.Parse(Field("diff_macc_vs_ce"), CultureInfo.InvariantCulture), 9);
        Assert.Equal("", Field("ci95_macc"));
        Assert.Equal("no interval (1 seed)", Field("significance_macc"));
    }

    [Fact]
    public void ClassificationComparesTopOne()
    {
        IReadOnlyList<VariantResults> variants =
        [
            new("ce", [Run(LossKind.CrossEntropy, 0, 50, 40, "small_cnn", 70), Run(LossKind.CrossEntropy, 1, 50, 40, "small_cnn", 72)]),
            new("focal", [Run(LossKind.Focal, 0, 50, 40, "small_cnn", 74), Run(LossKind.Focal, 1, 50, 40, "small_cnn", 77)]),
        ];
        // differences 4 and 5: mean 4.5, sd 0.7071, t(0.975, 1) = 12.7062 → ± 6.353
        var markdown = PairedComparison.Markdown(variants, VisionTasks.Report(variants[0].Runs[0].Task));
        Assert.Contains("Δ top-1 (pts)", markdown);
        Assert.DoesNotContain("mIoU", markdown);
        var cells = markdown.Split('\n').Single(l => l.StartsWith("| focal ")).Split('|').Select(c => c.Trim()).ToArray();
        Assert.Equal($"+4.5 ± {6.4:0.0} n.s.", cells[3]);
    }
}
