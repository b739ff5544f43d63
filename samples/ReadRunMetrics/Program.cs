// A run's numbers from your own code: metrics.json (the last evaluation, per class) and eval_log.csv (every evaluation).
// Usage: dotnet run --project samples/ReadRunMetrics -- RUN_DIR      (e.g. runs/demo/recall-s0, written by recallkit train)
using System.Globalization;
using RecallKit.Vision.Reports;
using RecallKit.Vision.RunFiles;
using RecallKit.Vision.Training;

if (args.Length != 1)
{
    Console.Error.WriteLine("usage: ReadRunMetrics RUN_DIR");
    return 2;
}
string run = args[0];
static string Percent(double? value) => value is { } v ? (100 * v).ToString("F1", CultureInfo.InvariantCulture) : "n/a";

// metrics.json: the last evaluation. Undefined values (e.g. the accuracy of a class absent from the validation split) are null.
var metrics = MetricsRecord.Read(Path.Combine(run, "metrics.json"));
Console.WriteLine($"after step {metrics.Step}: mAcc {Percent(metrics.MeanAccuracy)}  mIoU {Percent(metrics.MeanIou)}");
Console.WriteLine("class            accuracy  precision  IoU");
foreach (var c in metrics.Classes)
    Console.WriteLine($"{c.Name,-16} {Percent(c.Accuracy),8} {Percent(c.Precision),10} {Percent(c.Iou),5}");

// eval_log.csv: one row per evaluation; columns by name (CsvTable reads numbers, blank cells as NaN).
var log = CsvTable.Read(Path.Combine(run, "eval_log.csv"));
Console.WriteLine($"{log.Count} evaluations; columns: {string.Join(", ", log.Header)}");
if (log.Has("step") && log.Has("mean_iou"))
{
    var steps = log.Column("step");
    var miou = log.Column("mean_iou");
    for (int i = 0; i < log.Count; i++) Console.WriteLine($"step {steps[i]:F0}: mIoU {Percent(miou[i])}");
}
return 0;
