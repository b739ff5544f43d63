using RecallKit.Vision.Data;

namespace RecallKit.Vision.Training;

/// <summary>Metrics as JSON: summary numbers and a per-class table (NaN written as null).</summary>
public static class MetricsJson
{
    /// <summary>Serialises <paramref name="evaluation"/> of step <paramref name="iteration"/> as a <see cref="MetricsRecord"/>.</summary>
    public static string Serialize(int iteration, DatasetClasses classes, Evaluation evaluation) =>
        MetricsRecord.From(iteration, classes, evaluation).ToJson();
}
