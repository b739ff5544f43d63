using System.Text.Json.Serialization;

namespace RecallKit.Vision.Configuration;

/// <summary>The fixed weights a recall loss blends with (<see cref="RecallBlendOptions"/>).</summary>
public enum RecallBlendFixedWeights
{
    /// <summary>Class-balanced weights (1 − β)/(1 − β^{n_c}) with β = <c>loss.beta</c>.</summary>
    ClassBalanced,
    /// <summary>Inverse-frequency weights 1/n_c.</summary>
    InverseFrequency,
}

/// <summary>
/// Recall weights blended with fixed ones: w_c = λ·(1 − recall_c) + (1 − λ)·w_c^fixed, the fixed weights those of the training
/// split, normalised to mean 1.
/// </summary>
public sealed record RecallBlendOptions : LossOptions
{
    /// <summary>λ in [0, 1]; null (default) is the plain recall loss.</summary>
    [JsonPropertyOrder(20), JsonPropertyName("recall_blend")]
    public double? Blend { get; init; }

    /// <summary>Which fixed weights (with <see cref="Blend"/> only).</summary>
    [JsonPropertyOrder(21), JsonPropertyName("recall_blend_fixed")]
    public RecallBlendFixedWeights Fixed { get; init; } = RecallBlendFixedWeights.ClassBalanced;

    /// <summary>Whether <paramref name="term"/> is a blended recall loss.</summary>
    public static bool Blends(LossTerm term) => term.RecallBlend.Blend is not null && term.Kind == LossKind.Recall;

    /// <summary>Whether <paramref name="config"/> trains a blended recall loss.</summary>
    public static bool Blends(LossConfig config) => config.TrainedTerms.Any(Blends);

    /// <inheritdoc/>
    public override bool IsReadBy(LossKind kind) => kind == LossKind.Recall;
}
