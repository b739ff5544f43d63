using System.Globalization;
using System.Text.Json.Nodes;
using RecallKit.Vision.Configuration;

namespace RecallKit.Vision.Reports;

/// <summary>Per-class numbers of one evaluation, read back from a run's metrics JSON.</summary>
/// <param name="Name">Class name.</param>
/// <param name="Accuracy">Per-class accuracy (recall), NaN when absent.</param>
/// <param name="Precision">Per-class precision, NaN when never predicted.</param>
/// <param name="IoU">Per-class IoU.</param>
/// <param name="Pixels">Ground-truth pixels of the class in the evaluated split.</param>
public sealed record ClassResult(string Name, double Accuracy, double Precision, double IoU, long Pixels);

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
    IReadOnlyList<string> TrainLogHeader,
    IReadOnlyList<double[]> TrainLog,
    IReadOnlyList<double[]> EvalLog)
{
    /// <summary>Reads a run directory written by the trainer; a missing file is an error naming it.</summary>
    public static RunResults Load(string directory)
    {
        string PathOf(string name)
        {
            var path = Path.Combine(directory, name);
            return File.Exists(path) ? path : throw new FileNotFoundException($"{directory} is not a finished run: {name} is missing.", path);
        }

        var config = ConfigLoader.FromJson(File.ReadAllText(PathOf("config.json")));
        var metrics = JsonNode.Parse(File.ReadAllText(PathOf("metrics.json")))!.AsObject();
        var bestPath = Path.Combine(directory, "best_metrics.json");
        var best = File.Exists(bestPath) ? JsonNode.Parse(File.ReadAllText(bestPath))!.AsObject() : metrics;
        var classes = metrics["classes"]!.AsArray().Select(c => new ClassResult(
            (string)c!["name"]!, Number(c["accuracy"]), Number(c["precision"]), Number(c["iou"]), (long)c["pixels"]!)).ToArray();
        var (header, train) = ReadCsv(PathOf("train_log.csv"));
        var (_, eval) = ReadCsv(PathOf("eval_log.csv"));
        return new RunResults(directory, config, Number(metrics["mean_accuracy"]), Number(metrics["mean_iou"]), Number(metrics["overall_accuracy"]),
            Number(best["mean_accuracy"]), Number(best["mean_iou"]), classes, header, train, eval);
    }

    private static double Number(JsonNode? node) => node is null ? double.NaN : node.GetValue<double>();

    private static (string[] header, List<double[]> rows) ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0) throw new InvalidDataException($"{path} is empty.");
        var rows = lines.Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split(',').Select(v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray()).ToList();
        return (lines[0].Split(','), rows);
    }
}
