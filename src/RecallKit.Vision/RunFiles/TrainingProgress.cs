using System.Text.Json;

namespace RecallKit.Vision.RunFiles;

/// <summary>Where a run is: the next step to run and the best validation result so far. Stored in every checkpoint.</summary>
/// <param name="Iteration">Number of optimisation steps completed.</param>
/// <param name="BestMetric">Best validation mIoU so far (NaN before the first evaluation).</param>
/// <param name="BestIteration">Step of the best evaluation.</param>
/// <param name="EvaluationPending">The evaluation of <paramref name="Iteration"/> was interrupted: a resumed run runs it before training on.</param>
public sealed record TrainingProgress(int Iteration, double BestMetric, int BestIteration, bool EvaluationPending = false)
{
    /// <summary>A run that has not started.</summary>
    public static TrainingProgress Start { get; } = new(0, double.NaN, 0);

    private static readonly JsonSerializerOptions Options = new()
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>JSON form.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>Parses <see cref="ToJson"/> output.</summary>
    public static TrainingProgress FromJson(string json) =>
        JsonSerializer.Deserialize<TrainingProgress>(json, Options) ?? throw new InvalidDataException("empty training progress.");
}
