using RecallKit.Vision.Data;
using System.Text.Json.Serialization;
using RecallKit.Vision.Data.Classification;

namespace RecallKit.Vision.Configuration;

/// <summary>Which positions of a segmentation batch the loss averages over.</summary>
public enum PixelSamplerKind
{
    /// <summary>Every valid position.</summary>
    None,
    /// <summary>mmsegmentation's OHEMPixelSampler: the hard positions only (<see cref="OhemSamplerOptions"/>).</summary>
    Ohem,
}

/// <summary>
/// A pixel sampler around the configured loss (mmsegmentation's <c>sampler</c> of a decode head): with <c>ohem</c>, any loss
/// with per-position values — recall included — is averaged over the hard positions only.
/// </summary>
public sealed record PixelSamplerOptions : ConfigOptions
{
    /// <summary>none (default) or ohem.</summary>
    [JsonPropertyOrder(22), JsonPropertyName("pixel_sampler")]
    public PixelSamplerKind Kind { get; init; } = PixelSamplerKind.None;

    /// <inheritdoc/>
    public override bool IsRead(TrainConfig config) => ConfigApplicability.Trains(config) && config.Data.Kind.Task() != TaskKind.Classification;

    /// <inheritdoc/>
    public override string Condition() => "for segmentation training";
}

/// <summary>The OHEM pixel sampler's settings (mmsegmentation's <c>OHEMPixelSampler(thresh, min_kept)</c>).</summary>
public sealed record OhemSamplerOptions : ConfigOptions
{
    /// <summary>Keep positions whose target probability is below this, in (0, 1); null ranks the positions by loss.</summary>
    [JsonPropertyOrder(23), JsonPropertyName("sampler_thresh")]
    public double? Thresh { get; init; }

    /// <summary>Positions kept at least, per image.</summary>
    [JsonPropertyOrder(24), JsonPropertyName("sampler_min_kept")]
    public long MinKept { get; init; } = 100000;

    /// <inheritdoc/>
    public override bool IsRead(TrainConfig config) => new PixelSamplerOptions().IsRead(config) && config.Loss.PixelSampler.Kind == PixelSamplerKind.Ohem;

    /// <inheritdoc/>
    public override string Condition() => "with loss.pixel_sampler = ohem (segmentation training)";
}
