using RecallKit.Vision.Configuration;
using RecallKit.Vision.RunFiles;

namespace RecallKit.Vision.Reports;

/// <summary>Per-class numbers of one evaluation, read back from a run's metrics JSON.</summary>
/// <param name="Name">Class name.</param>
/// <param name="Accuracy">Per-class accuracy (recall), NaN when absent.</param>
/// <param name="Precision">Per-class precision, NaN when never predicted.</param>
/// <param name="IoU">Per-class IoU.</param>
/// <param name="Pixels">Ground-truth pixels (segmentation) or images (classification) of the class in the evaluated split.</param>
/// <param name="TrainingSamples">Classification: training images of the class (−1 when not recorded).</param>
/// <param name="Dice">Per-class Dice (NaN when absent from both, or in a file written before Dice was recorded).</param>
/// <param name="Fscore">Per-class F-score, β = 1 (NaN when undefined or not recorded).</param>
public sealed record ClassResult(string Name, double Accuracy, double Precision, double IoU, long Pixels, long TrainingSamples = -1,
    double Dice = double.NaN, double Fscore = double.NaN)
{
    /// <summary>How common the class is in training: training images when recorded, else evaluated pixels.</summary>
    public long Frequency => TrainingSamples >= 0 ? TrainingSamples : Pixels;
}

/// <summary>What a finished run directory holds: config, final and best metrics, training and evaluation logs.</summary>
public sealed record RunResults(
    string Directory,
    TrainConfig Config,
    double MeanAccuracy,
    double MeanIoU,
    double OverallAccuracy,
    double BestMeanAccuracy,
    double BestMeanIoU,
    IReadOnlyList<ClassResult> Classes,
    CsvTable TrainLog,
    CsvTable EvalLog)
{
    /// <summary>Segmentation or classification.</summary>
    public TaskKind Task => Models.ArchitectureInfo.Task(Config.Model.Architecture);

    /// <summary>Classification summary numbers of the final evaluation (NaN for segmentation): top-1, top-5, many, medium, few.</summary>
    public (double Top1, double Top5, double Many, double Medium, double Few) Classification { get; init; } = (double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);

    /// <summary>Top-1 accuracy of the best evaluation (classification).</summary>
    public double BestTop1 { get; init; } = double.NaN;

    /// <summary>Mean Dice of the final evaluation (NaN for a run written before Dice was recorded).</summary>
    public double MeanDice { get; init; } = double.NaN;

    /// <summary>Mean F-score (β = 1) of the final evaluation (NaN for a run written before it was recorded).</summary>
    public double MeanFscore { get; init; } = double.NaN;

    /// <summary>Reads a run directory written by the trainer; a missing file is an error naming it.</summary>
    public static RunResults Load(string directory)
    {
        string PathOf(string name)
        {
            var path = Path.Combine(directory, name);
            return File.Exists(path) ? path : throw new FileNotFoundException($"{directory} is not a finished run: {name} is missing.", path);
        }

        var config = ConfigLoader.FromJson(File.ReadAllText(PathOf(RunDirectory.ConfigFile)));
        var metrics = MetricsRecord.Read(PathOf(RunDirectory.MetricsFile));
        var bestPath = Path.Combine(directory, RunDirectory.BestMetricsFile);
        var best = File.Exists(bestPath) ? MetricsRecord.Read(bestPath) : metrics;
        // F1 (β = 1) is Dice: metrics.json files written before 2026-12 hold mmsegmentation's F-score, NaN for a class never
        // predicted, so the recorded Dice is read as the F-score to report every run with today's definition.
        var classes = metrics.Classes.Select(c => new ClassResult(c.Name, N(c.Accuracy), N(c.Precision), N(c.Iou), c.Pixels, c.TrainingSamples ?? -1, N(c.Dice), N(c.Dice))).ToArray();
        var train = CsvTable.Read(PathOf(RunDirectory.TrainLogFile));
        var eval = CsvTable.Read(PathOf(RunDirectory.EvalLogFile));
        return new RunResults(directory, config, N(metrics.MeanAccuracy), N(metrics.MeanIou), N(metrics.OverallAccuracy),
            N(best.MeanAccuracy), N(best.MeanIou), classes, train, eval)
        {
            Classification = (N(metrics.Top1), N(metrics.Top5), N(metrics.ManyShot), N(metrics.MediumShot), N(metrics.FewShot)),
            BestTop1 = N(best.Top1),
            MeanDice = N(metrics.MeanDice),
            MeanFscore = N(metrics.MeanDice),
        };
    }

    private static double N(double? value) => value ?? double.NaN;
}
