using System.Text.Json.Serialization;
using RecallKit.Vision.Data;
using RecallKit.Vision.Data.Classification;

namespace RecallKit.Vision.Configuration;

/// <summary>Repeat-factor sampling of segmentation training images (Gupta et al., LVIS 2019; mmengine's ClassBalancedDataset).</summary>
public sealed record RepeatFactorOptions : DataOptions
{
    /// <summary>
    /// t in (0, 1]: each training epoch holds image i ⌈r_i⌉ times, r_i = max over its classes of max(1, √(t / f_c)), f_c the
    /// fraction of training images containing class c; null (default) samples every image once.
    /// </summary>
    [JsonPropertyOrder(27), JsonPropertyName("repeat_threshold")]
    public double? Threshold { get; init; }

    /// <inheritdoc/>
    public override bool IsReadBy(DatasetKind kind) => kind.Task() != TaskKind.Classification;

    /// <inheritdoc/>
    public override bool IsRead(TrainConfig config) => base.IsRead(config) && ConfigApplicability.Trains(config);

    /// <inheritdoc/>
    public override string Condition() => "for segmentation training (classification runs use data.sampler)";
}
