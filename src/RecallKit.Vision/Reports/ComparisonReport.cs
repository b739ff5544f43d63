using System.Globalization;
using System.Text;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.RunFiles;
using ScottPlot;

namespace RecallKit.Vision.Reports;

/// <summary>
/// Writes <c>report.md</c>, <c>results.csv</c> and PNG figures for the variants of a comparison: the paper-style table, per-class
/// tables (rare classes first) and figures of accuracy and IoU (classes by their share, <see cref="ClassShares"/>, which names the
/// split it was counted on), precision vs recall, class weights over training, and curves, every loss in its one colour
/// (<see cref="LossPalette"/>);
/// and <c>report.html</c>, the same report as one self-contained page (<see cref="HtmlReport"/>).
/// </summary>
public static class ComparisonReport
{
    /// <summary>The subdirectory of a results directory that holds the report's figures (not a variant).</summary>
    public const string FiguresDirectory = "figures";

    /// <summary>Writes the report into <paramref name="resultsDirectory"/> and returns the Markdown.</summary>
    /// <param name="resultsDirectory">The comparison's output directory.</param>
    /// <param name="reports">The report of a task (<c>Experiments/VisionTasks.Report</c>): what the runs' task shows differently.</param>
    /// <param name="runs">The run directories of the comparison; others found there are left out with a note (null: every run).</param>
    public static string Write(string resultsDirectory, Func<TaskKind, TaskReport> reports, IReadOnlyCollection<string>? runs = null) =>
        WriteWithFigures(resultsDirectory, reports, runs).Markdown;

    /// <summary><see cref="Write"/>, also returning what each figure drew (its legend colours, its label boxes).</summary>
    internal static (string Markdown, IReadOnlyList<ReportFigure> Figures, LossPalette Palette) WriteWithFigures(string resultsDirectory,
        Func<TaskKind, TaskReport> reports, IReadOnlyCollection<string>? runs = null)
    {
        var notes = new List<string>();
        var variants = VariantResults.LoadAll(resultsDirectory, notes, runs);
        if (variants.Count == 0) throw new InvalidDataException($"{resultsDirectory} holds no finished run (no */{RunDirectory.MetricsFile}).");
        var figures = Path.Combine(resultsDirectory, FiguresDirectory);
        Directory.CreateDirectory(figures);
        var drawn = new List<ReportFigure>();
        var palette = new LossPalette(variants.Select(v => v.Name));

        var first = variants[0].Runs[0];
        var task = reports(first.Task);
        var shares = ClassShares.Of(first, task.CountedUnit);
        var classNames = first.Classes.Select(c => c.Name).ToArray();
        var order = shares.FrequentFirst();
        var orderedNames = order.Select(c => $"{classNames[c]} ({shares.Percent(c):0.0}%)").ToArray();
        double[] Ordered(double[] values) => order.Select(c => 100 * values[c]).ToArray();
        string byShare = $"classes by {shares.Description} (in brackets)";

        bool perClassFigures = classNames.Length <= MaxClassesInFigures;
        if (!perClassFigures) notes.Add($"{classNames.Length} classes: per-class figures skipped (more than {MaxClassesInFigures}); per-class numbers are in the tables above and in results.csv.");
        if (perClassFigures)
        {
            drawn.Add(Charts.GroupedBars(Path.Combine(figures, "class_accuracy.png"), $"Per-class accuracy (recall); {byShare}", "accuracy (%)",
                orderedNames, variants.Select(v => (v.Name, Ordered(v.ClassMean(c => c.Accuracy)))).ToList(), palette));
            drawn.Add(Charts.GroupedBars(Path.Combine(figures, "class_iou.png"), $"Per-class IoU; {byShare}", "IoU (%)",
                orderedNames, variants.Select(v => (v.Name, Ordered(v.ClassMean(c => c.IoU)))).ToList(), palette));
            drawn.Add(Charts.PrecisionRecall(Path.Combine(figures, "precision_recall.png"), "Per-class precision vs recall", classNames,
                variants.Select(v => (v.Name, v.ClassMean(c => c.Precision).Select(x => 100 * x).ToArray(), v.ClassMean(c => c.Accuracy).Select(x => 100 * x).ToArray())).ToList(),
                palette));
        }
        drawn.Add(Charts.Lines(Path.Combine(figures, "training_loss.png"), "Training loss", "step", "loss",
            variants.Select(v => new LineSeries(v.Name, palette.Of(v.Name), v.Runs[0].TrainLog.Column(LogColumns.Step), v.Runs[0].TrainLog.Column(LogColumns.Loss), LinePattern.Solid)).ToList()));
        LinePattern[] patterns = [LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted];
        var evalSeries = variants.Where(v => v.Runs[0].EvalLog.Count > 0)
            .SelectMany(v => task.ValidationMetrics.Select((m, i) => new LineSeries(task.ValidationMetrics.Count > 1 ? $"{v.Name} {m.Name}" : v.Name, palette.Of(v.Name),
                v.Runs[0].EvalLog.Column(LogColumns.Step), v.Runs[0].EvalLog.Column(m.Column).Select(x => 100 * x).ToArray(), patterns[i % patterns.Length])))
            .ToList();
        drawn.Add(Charts.Lines(Path.Combine(figures, "validation_miou.png"), task.ValidationTitle, "step", "%", evalSeries));
        var weightFigures = new List<string>();
        foreach (var v in variants.Where(v => v.Runs[0].TrainLog.Count > 0
                                              && classNames.Any(n => v.Runs[0].TrainLog.Has(LogColumns.Weight(n)) && double.IsFinite(v.Runs[0].TrainLog.Column(LogColumns.Weight(n))[0]))))
        {
            var run = v.Runs[0];
            var file = $"class_weights_{v.Name}.png"; // fixed weights (class-balanced) and recall weights alike
            // The lines are classes, not losses: a dark-to-light ramp from rare to frequent and alternating patterns, none of the loss colours.
            var rareFirst = shares.RareFirst();
            drawn.Add(Charts.Lines(Path.Combine(figures, file), $"{v.Name}: class weights over training\n{byShare}, rare = dark", "step", "weight",
                rareFirst.Select((c, i) => new LineSeries($"{classNames[c]} ({shares.Percent(c):0.0}%)", LossPalette.Sequential(i, rareFirst.Length),
                    run.TrainLog.Column(LogColumns.Step), run.TrainLog.Column(LogColumns.Weight(classNames[c])), patterns[i % patterns.Length])).ToList()));
            weightFigures.Add(file);
        }
        WriteCsv(Path.Combine(resultsDirectory, "results.csv"), variants, classNames, task);
        var markdown = Markdown(variants, task, shares, weightFigures, notes, perClassFigures);
        File.WriteAllText(Path.Combine(resultsDirectory, "report.md"), markdown);
        File.WriteAllText(Path.Combine(resultsDirectory, HtmlFileName), HtmlReport.FromMarkdown(markdown, resultsDirectory, "Loss comparison"));
        return (markdown, drawn, palette);
    }

    /// <summary>The heading (level 2) of the per-class tables' section.</summary>
    public const string PerClassHeading = "Per-class results";

    /// <summary>The self-contained HTML page written beside report.md.</summary>
    public const string HtmlFileName = "report.html";

    /// <summary>Classes beyond which per-class bar charts would be unreadable.</summary>
    public const int MaxClassesInFigures = 40;

    /// <summary>
    /// The paper-style table as Markdown (best in bold, second best in italics, per column): mAcc and mIoU for segmentation,
    /// top-1 and many/medium/few-shot accuracy for classification (paper Tables 5–6).
    /// </summary>
    public static string Table(IReadOnlyList<VariantResults> variants, TaskReport task) => task.Table(variants);

    private static string Markdown(IReadOnlyList<VariantResults> variants, TaskReport task, ClassShares shares, IReadOnlyList<string> weightFigures, IReadOnlyList<string> notes, bool perClassFigures)
    {
        var first = variants[0].Runs[0].Config;
        var sb = new StringBuilder();
        sb.AppendLine("# Loss comparison");
        sb.AppendLine();
        sb.AppendLine($"Dataset `{ConfigLoader.Name(first.Data.Kind)}` ({first.Data.Root}), model `{ConfigLoader.Name(first.Model.Architecture)}`, " +
            $"{first.Schedule.Iterations} steps at batch {first.Data.BatchSize}, {first.Optimizer.Kind} lr {first.Optimizer.LearningRate.ToString(CultureInfo.InvariantCulture)}, " +
            $"seeds: {string.Join(", ", variants[0].Runs.Select(r => r.Config.Seed))}. Metrics on the validation split in %, final evaluation; " +
            task.TableNote +
            "Best per column in bold, second in italics.");
        sb.AppendLine();
        sb.AppendLine(ShareSentence(shares));
        sb.AppendLine();
        sb.Append(Table(variants, task));
        sb.AppendLine();
        var paired = PairedComparison.Markdown(variants, task);
        if (paired.Length > 0) sb.Append(paired).AppendLine();
        sb.Append(PerClassTable.Markdown(variants, shares));
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
            sb.AppendLine("Recall loss should move rare classes up (more recall) without sliding far left (precision), unlike fixed inverse-frequency weights. " +
                "Each loss has its colour and marker; each class is named once, at its point that stands farthest from other classes, and grey lines join that point to the class's points under the other losses.");
            sb.AppendLine();
            sb.AppendLine("![precision vs recall](figures/precision_recall.png)");
            sb.AppendLine();
        }
        if (weightFigures.Count > 0)
        {
            sb.AppendLine("## Class weights over training");
            sb.AppendLine();
            sb.AppendLine("One line per class (not per loss): rare classes dark, frequent ones light.");
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

    /// <summary>Where the class shares of the figures and per-class tables were counted.</summary>
    internal static string ShareSentence(ClassShares shares) =>
        shares.Split == "training"
            ? $"Class shares (per-class figures and tables) are each class's {shares.Description}, as the runs recorded it."
            : $"Class shares (per-class figures and tables) are each class's {shares.Description} — the split the metrics were measured on; " +
              "the runs do not record the training split's counts (`recallkit data check` shows them).";

    private static void WriteCsv(string path, IReadOnlyList<VariantResults> variants, IReadOnlyList<string> classNames, TaskReport task) =>
        File.WriteAllText(path, Csv(variants, classNames, task));

    /// <summary>
    /// results.csv: one row per run (variant, seed, summary metrics, per-class accuracy, precision, IoU, Dice and F-score as
    /// fractions; empty where undefined or not recorded), then
    /// the variant's paired differences vs cross-entropy in points (<see cref="PairedComparison.CsvFields"/>).
    /// </summary>
    public static string Csv(IReadOnlyList<VariantResults> variants, IReadOnlyList<string> classNames, TaskReport task)
    {
        var sb = new StringBuilder("variant,seed,mean_accuracy,mean_iou,overall_accuracy,best_mean_accuracy,best_mean_iou,top1,top5,many_shot,medium_shot,few_shot,mean_dice,mean_fscore");
        foreach (var name in classNames) sb.Append($",acc_{name},prec_{name},iou_{name},dice_{name},fscore_{name}");
        sb.Append(PairedComparison.CsvHeader);
        sb.AppendLine();
        string F(double v) => double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "";
        foreach (var v in variants)
        {
            var paired = PairedComparison.CsvFields(v, variants, task);
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
