using System.Globalization;
using System.Text;
using RecallKit.Vision.Configuration;

using RecallKit.Vision.Training;

namespace RecallKit.Vision.Reports;

/// <summary>
/// Writes <c>report.md</c>, <c>results.csv</c> and PNG figures for the variants of a comparison: the paper-style table,
/// per-class accuracy and IoU (classes by pixel frequency), precision vs recall, class weights over training, and curves;
/// and <c>report.html</c>, the same report as one self-contained page (<see cref="HtmlReport"/>).
/// </summary>
public static class ComparisonReport
{
    /// <summary>The subdirectory of a results directory that holds the report's figures (not a variant).</summary>
    public const string FiguresDirectory = "figures";

    /// <summary>Writes the report into <paramref name="resultsDirectory"/> and returns the Markdown.</summary>
    public static string Write(string resultsDirectory)
    {
        var notes = new List<string>();
        var variants = VariantResults.LoadAll(resultsDirectory, notes);
        if (variants.Count == 0) throw new InvalidDataException($"{resultsDirectory} holds no finished run (no */metrics.json).");
        var figures = Path.Combine(resultsDirectory, FiguresDirectory);
        Directory.CreateDirectory(figures);

        var first = variants[0].Runs[0];
        bool classification = first.Task == Models.TaskKind.Classification;
        string frequency = classification ? "training frequency" : "pixel frequency";
        var classNames = first.Classes.Select(c => c.Name).ToArray();
        var order = Enumerable.Range(0, classNames.Length).OrderByDescending(c => first.Classes[c].Frequency).ToArray();
        long total = first.Classes.Sum(c => c.Frequency);
        var orderedNames = order.Select(c => $"{classNames[c]} ({100.0 * first.Classes[c].Frequency / Math.Max(1, total):0.0}%)").ToArray();
        double[] Ordered(double[] values) => order.Select(c => 100 * values[c]).ToArray();

        bool perClassFigures = classNames.Length <= MaxClassesInFigures;
        if (!perClassFigures) notes.Add($"{classNames.Length} classes: per-class figures skipped (more than {MaxClassesInFigures}); per-class numbers are in results.csv.");
        if (perClassFigures)
        {
            Charts.GroupedBars(Path.Combine(figures, "class_accuracy.png"), $"Per-class accuracy (recall), classes by {frequency}", "accuracy (%)",
                orderedNames, variants.Select(v => (v.Name, Ordered(v.ClassMean(c => c.Accuracy)))).ToList());
            Charts.GroupedBars(Path.Combine(figures, "class_iou.png"), $"Per-class IoU, classes by {frequency}", "IoU (%)",
                orderedNames, variants.Select(v => (v.Name, Ordered(v.ClassMean(c => c.IoU)))).ToList());
        }
        if (perClassFigures)
            Charts.PrecisionRecall(Path.Combine(figures, "precision_recall.png"), "Per-class precision vs recall", classNames,
                variants.Select(v => (v.Name, v.ClassMean(c => c.Precision).Select(x => 100 * x).ToArray(), v.ClassMean(c => c.Accuracy).Select(x => 100 * x).ToArray())).ToList());
        Charts.Lines(Path.Combine(figures, "training_loss.png"), "Training loss", "step", "loss",
            variants.Select(v => (v.Name, v.Runs[0].TrainLog.Column(LogColumns.Step), v.Runs[0].TrainLog.Column(LogColumns.Loss))).ToList());
        // On a balanced test split top-1 equals the mean per-class accuracy, so classification plots top-1 only.
        var evalSeries = new List<(string, double[], double[])>();
        foreach (var v in variants.Where(v => v.Runs[0].EvalLog.Count > 0))
        {
            var steps = v.Runs[0].EvalLog.Column(LogColumns.Step);
            double[] Percent(string column) => v.Runs[0].EvalLog.Column(column).Select(x => 100 * x).ToArray();
            if (classification) evalSeries.Add((v.Name, steps, Percent("top1")));
            else evalSeries.AddRange([(v.Name + " mIoU", steps, Percent("mean_iou")), (v.Name + " mAcc", steps, Percent("mean_accuracy"))]);
        }
        Charts.Lines(Path.Combine(figures, "validation_miou.png"), classification ? "Validation top-1 accuracy during training" : "Validation mIoU and mAcc during training",
            "step", "%", evalSeries);
        var weightFigures = new List<string>();
        foreach (var v in variants.Where(v => v.Runs[0].TrainLog.Count > 0
                                              && classNames.Any(n => v.Runs[0].TrainLog.Has(LogColumns.Weight(n)) && double.IsFinite(v.Runs[0].TrainLog.Column(LogColumns.Weight(n))[0]))))
        {
            var run = v.Runs[0];
            var file = $"recall_weights_{v.Name}.png";
            Charts.Lines(Path.Combine(figures, file), $"{v.Name}: class weights over training (classes by {frequency})", "step", "weight",
                order.Select(c => (orderedNames[Array.IndexOf(order, c)], run.TrainLog.Column(LogColumns.Step), run.TrainLog.Column(LogColumns.Weight(classNames[c])))).ToList());
            weightFigures.Add(file);
        }
        WriteCsv(Path.Combine(resultsDirectory, "results.csv"), variants, classNames);
        var markdown = Markdown(variants, weightFigures, notes, perClassFigures);
        File.WriteAllText(Path.Combine(resultsDirectory, "report.md"), markdown);
        File.WriteAllText(Path.Combine(resultsDirectory, HtmlFileName), HtmlReport.FromMarkdown(markdown, resultsDirectory, "Loss comparison"));
        return markdown;
    }

    /// <summary>The self-contained HTML page written beside report.md.</summary>
    public const string HtmlFileName = "report.html";

    /// <summary>Classes beyond which per-class bar charts would be unreadable.</summary>
    public const int MaxClassesInFigures = 40;

    private static string Mark(double value, IEnumerable<double> column, string text)
    {
        var sorted = column.Where(double.IsFinite).OrderDescending().Distinct().ToArray();
        return sorted.Length > 1 && value == sorted[0] ? $"**{text}**" : sorted.Length > 2 && value == sorted[1] ? $"*{text}*" : text;
    }

    private static string Cell((double mean, double std) s, int seeds) =>
        !double.IsFinite(s.mean) ? "–" : seeds > 1 ? $"{s.mean:0.0} ± {s.std:0.0}" : $"{s.mean:0.0}";

    /// <summary>
    /// The paper-style table as Markdown (best in bold, second best in italics, per column): mAcc and mIoU for segmentation,
    /// top-1 and many/medium/few-shot accuracy for classification (paper Tables 5–6).
    /// </summary>
    public static string Table(IReadOnlyList<VariantResults> variants)
    {
        if (variants[0].Runs[0].Task == Models.TaskKind.Classification) return ClassificationTable(variants);
        var baseline = variants.FirstOrDefault(v => v.Runs[0].Config.Loss.Kind == LossKind.CrossEntropy);
        var rows = variants.Select(v => new
        {
            v.Name,
            Seeds = v.Runs.Count,
            MAcc = v.Stat(r => 100 * r.MeanAccuracy),
            MIoU = v.Stat(r => 100 * r.MeanIoU),
            BestMAcc = v.Stat(r => 100 * r.BestMeanAccuracy),
            BestMIoU = v.Stat(r => 100 * r.BestMeanIoU),
            MDice = v.Stat(r => 100 * r.MeanDice),
            MFscore = v.Stat(r => 100 * r.MeanFscore),
        }).ToList();
        var sb = new StringBuilder();
        sb.AppendLine("| loss | mAcc | mIoU | Δ mAcc vs CE | Δ mIoU vs CE | best-eval mAcc | best-eval mIoU | mDice | mFscore |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
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
                Mark(r.BestMIoU.mean, rows.Select(x => x.BestMIoU.mean), Cell(r.BestMIoU, r.Seeds)),
                Mark(r.MDice.mean, rows.Select(x => x.MDice.mean), Cell(r.MDice, r.Seeds)),
                Mark(r.MFscore.mean, rows.Select(x => x.MFscore.mean), Cell(r.MFscore, r.Seeds)) + " |"]));
        }
        return sb.ToString();
    }

    private static string ClassificationTable(IReadOnlyList<VariantResults> variants)
    {
        var baseline = variants.FirstOrDefault(v => v.Runs[0].Config.Loss.Kind == LossKind.CrossEntropy && v.Runs[0].Config.Model.Head == HeadKind.Linear
            && v.Runs[0].Config.Model.Stage == TrainingStage.Joint);
        var columns = new (string Name, Func<RunResults, double> Select)[]
        {
            ("top-1", r => r.Classification.Top1), ("many", r => r.Classification.Many), ("medium", r => r.Classification.Medium),
            ("few", r => r.Classification.Few), ("mean per-class acc", r => r.MeanAccuracy), ("top-5", r => r.Classification.Top5),
            ("best-eval top-1", r => r.BestTop1),
        };
        var stats = variants.Select(v => columns.Select(c => v.Stat(r => 100 * c.Select(r))).ToArray()).ToArray();
        var sb = new StringBuilder();
        sb.AppendLine("| method | " + string.Join(" | ", columns.Select(c => c.Name)) + " | Δ top-1 vs CE |");
        sb.AppendLine("|---|" + string.Concat(columns.Select(_ => "---:|")) + "---:|");
        int baseIndex = baseline is null ? -1 : variants.ToList().IndexOf(baseline);
        for (int v = 0; v < variants.Count; v++)
        {
            var cells = columns.Select((_, c) => Mark(stats[v][c].mean, stats.Select(row => row[c].mean), Cell(stats[v][c], variants[v].Runs.Count)));
            string delta = baseIndex < 0 ? "–" : $"{stats[v][0].mean - stats[baseIndex][0].mean:+0.0;-0.0;0.0}";
            sb.AppendLine($"| {variants[v].Name} | {string.Join(" | ", cells)} | {delta} |");
        }
        return sb.ToString();
    }

    private static string Markdown(IReadOnlyList<VariantResults> variants, IReadOnlyList<string> weightFigures, IReadOnlyList<string> notes, bool perClassFigures)
    {
        var first = variants[0].Runs[0].Config;
        var sb = new StringBuilder();
        sb.AppendLine("# Loss comparison");
        sb.AppendLine();
        sb.AppendLine($"Dataset `{ConfigLoader.Name(first.Data.Kind)}` ({first.Data.Root}), model `{ConfigLoader.Name(first.Model.Architecture)}`, " +
            $"{first.Schedule.Iterations} steps at batch {first.Data.BatchSize}, {first.Optimizer.Kind} lr {first.Optimizer.LearningRate.ToString(CultureInfo.InvariantCulture)}, " +
            $"seeds: {string.Join(", ", variants[0].Runs.Select(r => r.Config.Seed))}. Metrics on the validation split in %, final evaluation; " +
            (variants[0].Runs[0].Task == Models.TaskKind.Classification
                ? "many-shot: > 100 training images, medium: 20–100, few: < 20 (– when no class falls in a group); Δ top-1 in points vs cross-entropy. "
                : "Δ mAcc is relative to cross-entropy, Δ mIoU in points; mDice = mean of 2TP / (2TP + FP + FN), mFscore = mean F1 of precision and recall (– for runs that did not record them). ") +
            "Best per column in bold, second in italics.");
        sb.AppendLine();
        sb.Append(Table(variants));
        sb.AppendLine();
        var paired = PairedComparison.Markdown(variants);
        if (paired.Length > 0) sb.Append(paired).AppendLine();
        if (perClassFigures)
        {
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
        }
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

    private static void WriteCsv(string path, IReadOnlyList<VariantResults> variants, IReadOnlyList<string> classNames) =>
        File.WriteAllText(path, Csv(variants, classNames));

    /// <summary>
    /// results.csv: one row per run (variant, seed, summary metrics, per-class accuracy, precision, IoU, Dice and F-score as
    /// fractions; empty where undefined or not recorded), then
    /// the variant's paired differences vs cross-entropy in points (<see cref="PairedComparison.CsvFields"/>).
    /// </summary>
    public static string Csv(IReadOnlyList<VariantResults> variants, IReadOnlyList<string> classNames)
    {
        var sb = new StringBuilder("variant,seed,mean_accuracy,mean_iou,overall_accuracy,best_mean_accuracy,best_mean_iou,top1,top5,many_shot,medium_shot,few_shot,mean_dice,mean_fscore");
        foreach (var name in classNames) sb.Append($",acc_{name},prec_{name},iou_{name},dice_{name},fscore_{name}");
        sb.Append(PairedComparison.CsvHeader);
        sb.AppendLine();
        string F(double v) => double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "";
        foreach (var v in variants)
        {
            var paired = PairedComparison.CsvFields(v, variants);
            foreach (var r in v.Runs)
            {
                sb.Append($"{v.Name},{r.Config.Seed},{F(r.MeanAccuracy)},{F(r.MeanIoU)},{F(r.OverallAccuracy)},{F(r.BestMeanAccuracy)},{F(r.BestMeanIoU)}");
                var k = r.Classification;
                sb.Append($",{F(k.Top1)},{F(k.Top5)},{F(k.Many)},{F(k.Medium)},{F(k.Few)},{F(r.MeanDice)},{F(r.MeanFscore)}");
                foreach (var c in r.Classes) sb.Append($",{F(c.Accuracy)},{F(c.Precision)},{F(c.IoU)},{F(c.Dice)},{F(c.Fscore)}");
                sb.Append(paired);
                sb.AppendLine();
            }
        }
        return sb.ToString();
    }
}
