using System.Text.Json;
using System.Text.Json.Nodes;
using RecallKit.Metrics;
using RecallKit.Vision.Data;

namespace RecallKit.Vision.Training;

/// <summary>Metrics as JSON: summary numbers and a per-class table (NaN written as null).</summary>
public static class MetricsJson
{
    /// <summary>Serialises <paramref name="metrics"/> of step <paramref name="iteration"/>.</summary>
    public static string Serialize(int iteration, SegmentationClasses classes, ConfusionMetrics metrics)
    {
        static JsonNode? N(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;
        var perClass = new JsonArray();
        for (int c = 0; c < classes.Count; c++)
        {
            perClass.Add(new JsonObject
            {
                ["name"] = classes.Names[c],
                ["accuracy"] = N(metrics.ClassAccuracy[c]),
                ["precision"] = N(metrics.ClassPrecision[c]),
                ["iou"] = N(metrics.ClassIoU[c]),
                ["pixels"] = metrics.GroundTruthCounts[c],
            });
        }
        var root = new JsonObject
        {
            ["step"] = iteration,
            ["overall_accuracy"] = N(metrics.OverallAccuracy),
            ["mean_accuracy"] = N(metrics.MeanAccuracy),
            ["mean_iou"] = N(metrics.MeanIoU),
            ["mean_precision"] = N(metrics.MeanPrecision),
            ["frequency_weighted_iou"] = N(metrics.FrequencyWeightedIoU),
            ["classes"] = perClass,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
