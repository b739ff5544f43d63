using System.Text.Json;
using System.Text.Json.Nodes;
using RecallKit.Metrics;
using RecallKit.Vision.Data;

namespace RecallKit.Vision.Training;

/// <summary>Metrics as JSON: summary numbers and a per-class table (NaN written as null).</summary>
public static class MetricsJson
{
    /// <summary>Serialises <paramref name="evaluation"/> of step <paramref name="iteration"/>.</summary>
    public static string Serialize(int iteration, DatasetClasses classes, Evaluation evaluation)
    {
        var metrics = evaluation.Metrics;
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
            if (evaluation.TrainingCounts is { } training) perClass[c]!["training_samples"] = training[c];
        }
        var root = new JsonObject
        {
            ["step"] = iteration,
            ["overall_accuracy"] = N(metrics.OverallAccuracy),
            ["mean_accuracy"] = N(metrics.MeanAccuracy),
            ["mean_iou"] = N(metrics.MeanIoU),
            ["mean_precision"] = N(metrics.MeanPrecision),
            ["frequency_weighted_iou"] = N(metrics.FrequencyWeightedIoU),
        };
        if (evaluation.Task == Models.TaskKind.Classification)
        {
            root["top1"] = N(metrics.OverallAccuracy);
            root["top5"] = N(evaluation.Top5);
            root["many_shot"] = N(metrics.LongTail?.Many ?? double.NaN);
            root["medium_shot"] = N(metrics.LongTail?.Medium ?? double.NaN);
            root["few_shot"] = N(metrics.LongTail?.Few ?? double.NaN);
        }
        root["classes"] = perClass;
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
