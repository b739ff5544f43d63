using System.Globalization;
using RecallKit.Tests.Training;
using RecallKit.Vision.Experiments;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Reports;
using SixLabors.ImageSharp;

namespace RecallKit.Tests.Reports;

[Collection(nameof(RecallKit.Tests.Support.GlobalTorchState))]
public sealed class SweepReportTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-sweep-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>A finished run at <c>point/variant/seed-S</c>; the seeds differ in their number of steps so their metrics differ.</summary>
    private string Train(string point, string variant, int seed)
    {
        var output = Path.Combine(dir, point, variant, $"seed-{seed}");
        TinyTraining.FinishedRun(output, variant == "recall" ? LossKind.Recall : LossKind.CrossEntropy, 4 + 4 * seed + (point == "b" ? 4 : 0), seed);
        return output;
    }

    [Fact]
    public void TablesTheMeansAndPairedDifferencesOfEveryPointAndDrawsOneFigurePerMetric()
    {
        var runs = new Dictionary<(string point, string variant), string[]>();
        foreach (var point in new[] { "a", "b" })
            foreach (var variant in new[] { "ce", "recall" })
                runs[(point, variant)] = [Train(point, variant, 0), Train(point, variant, 1)];
        var output = Path.Combine(dir, "sweep");

        var markdown = SweepReport.Write("p", [new SweepPoint(0.9, Path.Combine(dir, "b")), new SweepPoint(0, Path.Combine(dir, "a"))], output, VisionTasks.Report);

        var rows = File.ReadAllLines(Path.Combine(output, "sweep.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.Equal(["0,ce", "0,recall", "0.9,ce", "0.9,recall"], rows.Select(r => $"{r[0]},{r[1]}")); // points in order
        foreach (var row in rows)
        {
            var results = runs[(row[0] == "0" ? "a" : "b", row[1])].Select(RunResults.Load).ToArray();
            double[] iou = results.Select(r => 100 * r.MeanIoU).ToArray();
            double mean = iou.Average(), std = Math.Sqrt(iou.Sum(v => (v - mean) * (v - mean)) / (iou.Length - 1));
            int miou = Array.IndexOf(File.ReadLines(Path.Combine(output, "sweep.csv")).First().Split(','), "miou_mean");
            Assert.Equal(mean, double.Parse(row[miou], CultureInfo.InvariantCulture), 1e-9);
            Assert.Equal(std, double.Parse(row[miou + 1], CultureInfo.InvariantCulture), 1e-9);
            if (row[1] == "ce")
            {
                Assert.Equal("", row[miou + 2]);
                continue;
            }
            var ce = runs[(row[0] == "0" ? "a" : "b", "ce")].Select(RunResults.Load).ToArray();
            var differences = iou.Zip(ce, (r, c) => r - 100 * c.MeanIoU).ToArray();
            Assert.Equal(differences.Average(), double.Parse(row[miou + 2], CultureInfo.InvariantCulture), 1e-9);
            double sd = Math.Abs(differences[0] - differences[1]) / Math.Sqrt(2);
            double halfWidth = 12.706204736174707 * sd / Math.Sqrt(2); // t quantile (0.975, 1 degree of freedom) × sd / √n
            Assert.True(Math.Abs(halfWidth - double.Parse(row[miou + 3], CultureInfo.InvariantCulture)) <= 1e-5 * halfWidth + 1e-12, $"{halfWidth} vs {row[miou + 3]}");
        }
        Assert.Contains("| 0.9 | recall | 2 |", markdown);
        foreach (var png in new[] { "sweep_macc.png", "sweep_miou.png" })
        {
            using var image = Image.Load(Path.Combine(output, png));
            Assert.True(image.Width >= 600 && image.Height >= 400, png);
            Assert.Contains($"]({png})", markdown);
        }
    }

    [Theory]
    [InlineData("0.5")]
    [InlineData("=runs/a")]
    [InlineData("half=runs/a")]
    [InlineData("0.5=")]
    public void AMalformedPointIsRefusedSayingWhatIsExpected(string text) =>
        Assert.Contains("expected VALUE=DIRECTORY", Assert.Throws<ArgumentException>(() => SweepReport.ParsePoint(text)).Message);

    [Fact]
    public void OnePointOrAnEmptyDirectoryIsRefused()
    {
        Directory.CreateDirectory(Path.Combine(dir, "empty"));
        Assert.Contains("at least two points", Assert.Throws<ArgumentException>(() => SweepReport.Write("p", [new SweepPoint(0, dir)], dir, VisionTasks.Report)).Message);
        Directory.CreateDirectory(Path.Combine(dir, "empty2"));
        Assert.Contains("holds no finished run", Assert.Throws<InvalidDataException>(() =>
            SweepReport.Write("p", [new SweepPoint(0, Path.Combine(dir, "empty")), new SweepPoint(1, Path.Combine(dir, "empty2"))], dir, VisionTasks.Report)).Message);
    }
}
