using RecallKit.Metrics;
using RecallKit.Vision.Experiments;
using RecallKit.Vision.Data;
using RecallKit.Vision.Models;
using RecallKit.Vision.RunFiles;
using RecallKit.Vision.Segmentation;
using RecallKit.Vision.Training;
using RecallKit.Vision;

namespace RecallKit.Tests.Metrics;

public sealed class MetricsFileCompatibilityTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-metrics-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void MetricsJsonCarriesDiceAndFscoreAndReadsThemBack()
    {
        var metrics = ConfusionMetrics.FromMatrix(new long[,] { { 2, 1 }, { 0, 0 } });
        var classes = new DatasetClasses(["a", "b"], [(0, 0, 0), (1, 1, 1)], 255);
        var path = Path.Combine(dir, "metrics.json");
        File.WriteAllText(path, new SegmentationEvaluation(metrics).ToRecord(5, classes).ToJson());

        var record = MetricsRecord.Read(path);
        Assert.Equal(4.0 / 5, record.Classes[0].Dice!.Value, 12);
        Assert.Equal(0.0, record.Classes[1].Dice!.Value);          // predicted once, absent from the ground truth
        Assert.Equal(0.0, record.Classes[1].Fscore!.Value);       // recall undefined, yet F1 = 2TP / (2TP + FP + FN) = 0
        Assert.Equal(0.4, record.MeanDice!.Value, 12);
        Assert.Equal(0.4, record.MeanFscore!.Value, 12);
        Assert.Contains("\"mean_dice\"", File.ReadAllText(path));
    }

    [Fact]
    public void MetricsJsonWrittenBeforeDiceExistedStillReads()
    {
        var path = Path.Combine(dir, "old.json");
        File.WriteAllText(path, """
            { "step": 3, "overall_accuracy": 0.5, "mean_accuracy": 0.5, "mean_iou": 0.25, "mean_precision": 0.5, "frequency_weighted_iou": 0.25,
              "classes": [ { "name": "a", "accuracy": 0.5, "precision": 0.5, "iou": 0.25, "pixels": 4 } ] }
            """);
        var record = MetricsRecord.Read(path);
        Assert.Equal(0.25, record.MeanIou);
        Assert.Null(record.MeanDice);
        Assert.Null(record.Classes[0].Dice);
        Assert.Null(record.Classes[0].Fscore);
    }

    [Fact]
    public void EvalLogWrittenBeforeTheNewColumnsKeepsItsRowsOnResume()
    {
        var path = Path.Combine(dir, "eval_log.csv");
        File.WriteAllLines(path, ["step,overall_accuracy,mean_accuracy,mean_iou,mean_precision", "2,0.5,0.4,0.3,0.2", "4,0.6,0.5,0.4,0.3"]);
        using (var log = new CsvLog(path, LogColumns.EvalLog(VisionTasks.For(TaskKind.Segmentation).EvaluationColumns), resume_from: 2))
            log.Append(4, [0.7, 0.6, 0.5, 0.4, 0.45, 0.55]);

        var table = RecallKit.Vision.Reports.CsvTable.Read(path);
        Assert.Equal(LogColumns.EvalLog(VisionTasks.For(TaskKind.Segmentation).EvaluationColumns), table.Header);
        Assert.Equal([2.0, 4.0], table.Column("step"));
        Assert.Equal([0.3, 0.5], table.Column("mean_iou"));
        Assert.True(double.IsNaN(table.Column("mean_dice")[0]));
        Assert.Equal(0.45, table.Column("mean_dice")[1]);
    }
}
