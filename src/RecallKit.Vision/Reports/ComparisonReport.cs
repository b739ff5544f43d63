using System.Globalization;
using System.Text;
using RecallKit.Vision.Configuration;

namespace RecallKit.Vision.Reports;

/// <summary>
/// Writes <c>report.md</c>, <c>results.csv</c> and PNG figures for the variants of a comparison: the paper-style table,
/// per-class accuracy and IoU (classes by pixel frequency), precision vs recall, recall weights over training, and curves.
/// </summary>
public static class ComparisonReport
{
    /// <summary>Writes the report into <paramref name="resultsDirectory"/> and returns the Markdown.</summary>
    public static string Write(string resultsDirectory)
    {
        var notes = new List<string>();
        var variants = VariantResults.LoadAll(resultsDirectory, notes);
        if (variants.Count == 0) throw new InvalidDataException($"{resultsDirectory} holds no finished run (no */metrics.json).");
        var figures = Path.Combine(resultsDirectory, "figures");
        Directory.CreateDirectory(figures);

        var classNames = variants[0].Runs[0].Classes.Select(c => c.Name).ToArray();
        var order = Enumerable.Range(0, classNames.Length).OrderByDescending(c => variants[0].Runs[0].Classes[c].Pixels).ToArray();
        long totalPixels = variants[0].Runs[0].Classes.Sum(c => c.Pixels);
        var orderedNames = order.Select(c => $"{classNames[c]} ({100.0 * variants[0].Runs[0].Classes[c].Pixels / Math.Max(1, totalPixels):0.0}%)").ToArray();
        double[] Ordered(double[] values) => order.Select(c => 100 * values[c]).ToArray();

        Charts.GroupedBars(Path.Combine(figures, "class_accuracy.png"), "Per-class accuracy (recall), classes by pixel frequency", "accuracy (%)",
            orderedNames, variants.Select(v => (v.Name, Ordered(v.ClassMean(c => c.Accuracy)))).ToList());
        Charts.GroupedBars(Path.Combine(figures, "class_iou.png"), "Per-class IoU, classes by pixel frequency", "IoU (%)",
            orderedNames, variants.Select(v => (v.Name, Ordered(v.ClassMean(c => c.IoU)))).ToList());
        Charts.PrecisionRecall(Path.Combine(figures, "precision_recall.png"), "Per-class precision vs recall", classNames,
            variants.Select(v => (v.Name, v.ClassMean(c => c.Precision).Select(x => 100 * x).ToArray(), v.ClassMean(c => c.Accuracy).Select(x => 100 * x).ToArray())).ToList());
        Charts.Lines(Path.Combine(figures, "training_loss.png"), "Training loss", "step", "loss",
            variants.Select(v => (v.Name, v.Runs[0].TrainLog.Select(r => r[0]).ToArray(), v.Runs[0].TrainLog.Select(r => r[1]).ToArray())).ToList());
        Charts.Lines(Path.Combine(figures, "validation_miou.png"), "Validation mIoU and mAcc during training", "step", "%",
            variants.SelectMany(v => new[]
            {
                (v.Name + " mIoU", v.Runs[0].EvalLog.Select(r => r[0]).ToArray(), v.Runs[0].EvalLog.Select(r => 100 * r[3]).ToArray()),
                (v.Name + " mAcc", v.Runs[0].EvalLog.Select(r => r[0]).ToArray(), v.Runs[0].EvalLog.Select(r => 100 * r[2]).ToArray()),
            }).ToList());
        var weightFigures = new List<string>();
        foreach (var v in variants.Where(v => v.Runs[0].TrainLog.Count > 0 && v.Runs[0].TrainLog[0].Skip(3).Any(double.IsFinite)))
        {
            var run = v.Runs[0];
            var file = $"recall_weights_{v.Name}.png";
            Charts.Lines(Path.Combine(figures, file), $"{v.Name}: class weights over training (classes by pixel frequency)", "step", "weight",
                order.Select(c => (orderedNames[Array.IndexOf(order, c)], run.TrainLog.Select(r => r[0]).ToArray(), run.TrainLog.Select(r => r[3 + c]).ToArray())).ToList());
            weightFigures.Add(file);
        }
        WriteCsv(Path.Combine(resultsDirectory, "results.csv"), variants, classNames);
        var markdown = Markdown(variants, weightFigures, notes);
        File.WriteAllText(Path.Combine(resultsDirectory, "report.md"), markdown);
        return markdown;
    }

    /// <summary>The paper-style table as Markdown (best in bold, second best in italics, per column).</summary>
    public static string Table(IReadOnlyList<VariantResults> variants)
    {
        var baseline = variants.FirstOrDefault(v => v.Runs[0].Config.Loss.Kind == LossKind.CrossEntropy);
        var rows = variants.Select(v => new
        {
            v.Name,
            Seeds = v.Runs.Count,
            MAcc = v.Stat(r => 100 * r.MeanAccuracy),
            MIoU = v.Stat(r => 100 * r.MeanIoU),
            BestMAcc = v.Stat(r => 100 * r.BestMeanAccuracy),
            BestMIoU = v.Stat(r => 100 * r.BestMeanIoU),
        }).ToList();
        string Mark(double value, IEnumerable<double> column, string text)
        {
            var sorted = column.Where(double.IsFinite).OrderDescending().Distinct().ToArray();
            return sorted.Length > 1 && value == sorted[0] ? $"**{text}**" : sorted.Length > 2 && value == sorted[1] ? $"*{text}*" : text;
        }
        string Cell((double mean, double std) s, int seeds) => seeds > 1 ? $"{s.mean:0.0} ± {s.std:0.0}" : $"{s.mean:0.0}";
        var sb = new StringBuilder();
        sb.AppendLine("| loss | mAcc | mIoU | Δ mAcc vs CE | Δ mIoU vs CE | best-eval mAcc | best-eval mIoU |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        var baseRow = baseline is null ? null : rows.First(r => r.Name == baseline.Name);
        foreach (var r in rows)
        {
            string dAcc = baseRow is null ? "–" : $"{100 * (r.MAcc.mean - baseRow.MAcc.mean) / baseRow.MAcc.mean:+0.0;-0.0;0.0} %";
            string dIoU = baseRow is null ? "–" : $"{r.MIoU.mean - baseRow.MIoU.mean:+0.0;-0.0;0.0}";
            sb.AppendLine(string.Join(" | ", [
                $"| {r.Name}",
                Mark(r.MAcc.mean, rows.Select(x => x.MAcc.mean), Cell(r.MAcc, r.Seeds)),
                Mark(r.MIoU.mean, rows.Select(x => x.MIoU.mean), Cell(r.MIoU, r.Seeds)),
                dAcc, dIoU,
                Mark(r.BestMAcc.mean, rows.Select(x => x.BestMAcc.mean), Cell(r.BestMAcc, r.Seeds)),
                Mark(r.BestMIoU.mean, rows.Select(x => x.BestMIoU.mean), Cell(r.BestMIoU, r.Seeds)) + " |"]));
        }
        return sb.ToString();
    }

    private static string Markdown(IReadOnlyList<VariantResults> variants, IReadOnlyList<string> weightFigures, IReadOnlyList<string> notes)
    {
        var first = variants[0].Runs[0].Config;
        var sb = new StringBuilder();
        sb.AppendLine("# Loss comparison");
        sb.AppendLine();
        sb.AppendLine($"Dataset `{first.Data.Kind.ToString().ToLowerInvariant()}` ({first.Data.Root}), model `{first.Model.Architecture}`, " +
            $"{first.Schedule.Iterations} steps at batch {first.Data.BatchSize}, {first.Optimizer.Kind} lr {first.Optimizer.LearningRate.ToString(CultureInfo.InvariantCulture)}, " +
            $"seeds: {string.Join(", ", variants[0].Runs.Select(r => r.Config.Seed))}. Metrics on the validation split in %, final evaluation; " +
            "Δ mAcc is relative to cross-entropy, Δ mIoU in points. Best per column in bold, second in italics.");
        sb.AppendLine();
        sb.Append(Table(variants));
        sb.AppendLine();
        sb.AppendLine("## Per-class accuracy and IoU");
        sb.AppendLine();
        sb.AppendLine("![per-class accuracy](figures/class_accuracy.png)");
        sb.AppendLine();
        sb.AppendLine("![per-class IoU](figures/class_iou.png)");
        sb.AppendLine();
        sb.AppendLine("## Precision vs recall per class");
        sb.AppendLine();
        sb.AppendLine("Recall loss should move rare classes up (more recall) without sliding far left (precision), unlike fixed inverse-frequency weights.");
        sb.AppendLine();
        sb.AppendLine("![precision vs recall](figures/precision_recall.png)");
        sb.AppendLine();
        if (weightFigures.Count > 0)
        {
            sb.AppendLine("## Class weights over training");
            sb.AppendLine();
            foreach (var f in weightFigures) sb.AppendLine($"![{f}](figures/{f})").AppendLine();
        }
        sb.AppendLine("## Training curves");
        sb.AppendLine();
        sb.AppendLine("![training loss](figures/training_loss.png)");
        sb.AppendLine();
        sb.AppendLine("![validation metrics](figures/validation_miou.png)");
        sb.AppendLine();
        sb.AppendLine("All numbers: `results.csv`; each run's logs and checkpoints: its directory.");
        foreach (var note in notes) sb.AppendLine().Append("Note: ").AppendLine(note);
        return sb.ToString();
    }

    private static void WriteCsv(string path, IReadOnlyList<VariantResults> variants, IReadOnlyList<string> classNames)
    {
        var sb = new StringBuilder("variant,seed,mean_accuracy,mean_iou,overall_accuracy,best_mean_accuracy,best_mean_iou");
        foreach (var name in classNames) sb.Append($",acc_{name},prec_{name},iou_{name}");
        sb.AppendLine();
        string F(double v) => double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "";
        foreach (var v in variants)
            foreach (var r in v.Runs)
            {
                sb.Append($"{v.Name},{r.Config.Seed},{F(r.MeanAccuracy)},{F(r.MeanIoU)},{F(r.OverallAccuracy)},{F(r.BestMeanAccuracy)},{F(r.BestMeanIoU)}");
                foreach (var c in r.Classes) sb.Append($",{F(c.Accuracy)},{F(c.Precision)},{F(c.IoU)}");
                sb.AppendLine();
            }
        File.WriteAllText(path, sb.ToString());
    }
}
