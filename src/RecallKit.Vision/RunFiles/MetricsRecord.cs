using System.Text.Json;
using System.Text.Json.Serialization;
using RecallKit.Metrics;
using RecallKit.Vision.Data;

namespace RecallKit.Vision.RunFiles;

/// <summary>
/// The content of <c>metrics.json</c> / <c>best_metrics.json</c> (and <c>recallkit eval</c>'s output): one type for the writer and
/// every reader. Undefined metrics are null; the classification fields are absent for segmentation. <see cref="MeanDice"/> and
/// <see cref="MeanFscore"/> come last and are null when reading a file written before they existed.
/// </summary>
public sealed record MetricsRecord(
    int Step,
    double? OverallAccuracy,
    double? MeanAccuracy,
    double? MeanIou,
    double? MeanPrecision,
    double? FrequencyWeightedIou,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Top1,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Top5,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? ManyShot,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? MediumShot,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? FewShot,
    IReadOnlyList<ClassMetricsRecord> Classes,
    double? MeanDice = null,
    double? MeanFscore = null)
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    /// <summary>The fields every task records; the task-specific ones (top-1, many/medium/few, …) null.</summary>
    /// <param name="step">The step after which the evaluation ran.</param>
    /// <param name="classes">The classes, in id order.</param>
    /// <param name="metrics">The evaluation's confusion-count metrics.</param>
    /// <param name="training_counts">Training samples per class, recorded per class when known.</param>
    public static MetricsRecord Common(int step, DatasetClasses classes, ConfusionMetrics metrics, IReadOnlyList<long>? training_counts)
    {
        var m = metrics;
        var perClass = classes.Names.Select((name, c) => new ClassMetricsRecord(name, Defined(m.ClassAccuracy[c]), Defined(m.ClassPrecision[c]),
            Defined(m.ClassIoU[c]), m.GroundTruthCounts[c], training_counts?[c], Defined(m.ClassDice[c]), Defined(m.ClassFscore[c]))).ToArray();
        return new MetricsRecord(step, Defined(m.OverallAccuracy), Defined(m.MeanAccuracy), Defined(m.MeanIoU), Defined(m.MeanPrecision),
            Defined(m.FrequencyWeightedIoU), null, null, null, null, null, perClass, Defined(m.MeanDice), Defined(m.MeanFscore));
    }

    /// <summary>A metric as recorded: null when undefined (NaN).</summary>
    public static double? Defined(double value) => double.IsFinite(value) ? value : null;

    /// <summary>Indented JSON with snake_case keys.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>Reads a file written by <see cref="ToJson"/>; a malformed file is an error naming it.</summary>
    public static MetricsRecord Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<MetricsRecord>(File.ReadAllText(path), Options)
                   ?? throw new InvalidDataException($"{path} holds no metrics.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a metrics file: {e.Message}", e);
        }
    }
}
