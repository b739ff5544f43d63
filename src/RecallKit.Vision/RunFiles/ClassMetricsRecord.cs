using System.Text.Json.Serialization;
using RecallKit.Vision.Data;

namespace RecallKit.Vision.RunFiles;

/// <summary>
/// One class's row of <see cref="MetricsRecord"/>; null where the metric is undefined (NaN). Dice and F-score were added later:
/// files written before have neither and read back with null.
/// </summary>
public sealed record ClassMetricsRecord(
    string Name,
    double? Accuracy,
    double? Precision,
    double? Iou,
    long Pixels,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? TrainingSamples = null,
    double? Dice = null,
    double? Fscore = null);
