using System.Text.Json;
using System.Text.Json.Serialization;
using RecallKit.Vision.Data;

namespace RecallKit.Vision.Training;

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

    /// <summary>The record of <paramref name="evaluation"/> after step <paramref name="step"/>.</summary>
    public static MetricsRecord From(int step, DatasetClasses classes, Evaluation evaluation)
    {
        var m = evaluation.Metrics;
        static double? N(double v) => double.IsFinite(v) ? v : null;
        var classification = evaluation as ClassificationEvaluation; // the classification fields are absent for segmentation
        var perClass = classes.Names.Select((name, c) => new ClassMetricsRecord(name, N(m.ClassAccuracy[c]), N(m.ClassPrecision[c]), N(m.ClassIoU[c]),
            m.GroundTruthCounts[c], classification?.TrainingCounts?[c], N(m.ClassDice[c]), N(m.ClassFscore[c]))).ToArray();
        return new MetricsRecord(step, N(m.OverallAccuracy), N(m.MeanAccuracy), N(m.MeanIoU), N(m.MeanPrecision), N(m.FrequencyWeightedIoU),
            classification is { } top1 ? N(top1.Top1) : null, classification is { } top5 ? N(top5.Top5) : null,
            classification is { } many ? N(many.ManyShot) : null, classification is { } medium ? N(medium.MediumShot) : null,
            classification is { } few ? N(few.FewShot) : null, perClass, N(m.MeanDice), N(m.MeanFscore));
    }

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
