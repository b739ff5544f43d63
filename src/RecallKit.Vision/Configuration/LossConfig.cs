using System.Text.Json.Serialization;

namespace RecallKit.Vision.Configuration;

/// <summary>The losses a run can train with.</summary>
public enum LossKind
{
    /// <summary>Plain cross-entropy.</summary>
    CrossEntropy,
    /// <summary>Recall cross-entropy (batch recall, or EMA with <see cref="MetricLossOptions.EmaAlpha"/>).</summary>
    Recall,
    /// <summary>The paper's precision-loss ablation.</summary>
    Precision,
    /// <summary>Cross-entropy weighted by inverse training-set class frequency.</summary>
    InverseFrequency,
    /// <summary>Cross-entropy weighted by median frequency balancing.</summary>
    MedianFrequency,
    /// <summary>Class-balanced cross-entropy (effective number of samples).</summary>
    ClassBalanced,
    /// <summary>Focal loss.</summary>
    Focal,
    /// <summary>Online hard example mining cross-entropy.</summary>
    Ohem,
    /// <summary>Soft IoU (Jaccard) loss.</summary>
    [JsonStringEnumMemberName("soft_iou")]
    SoftIoU,
    /// <summary>Lovász-softmax loss.</summary>
    Lovasz,
    /// <summary>LDAM (label-distribution-aware margins) with deferred re-weighting from <see cref="LdamOptions.DrwStart"/> (Cao et al. 2019).</summary>
    Ldam,
    /// <summary>Cross-entropy weighted by 1 − Dice_c, 2TP/(2TP+FP+FN) (paper Table 1; batch or EMA like recall).</summary>
    Dice,
    /// <summary>Cross-entropy weighted by 1 − Jaccard_c, TP/(TP+FP+FN).</summary>
    Jaccard,
    /// <summary>Cross-entropy weighted by 1 − Tversky_c, TP/(TP+α·FP+β·FN) with <see cref="TverskyOptions"/>.</summary>
    Tversky,
    /// <summary>Logit-adjusted cross-entropy, z + τ·log π (Menon et al. 2021), τ = <see cref="LogitAdjustmentOptions.Tau"/>.</summary>
    LogitAdjusted,
    /// <summary>Balanced softmax cross-entropy, z + log n_c (Ren et al. 2020).</summary>
    BalancedSoftmax,
    /// <summary>Seesaw loss (Wang et al. 2021) with <see cref="SeesawOptions"/>.</summary>
    Seesaw,
}

/// <summary>
/// Loss choice and weights; the hyper-parameters of particular losses are in option records whose keys sit directly under
/// <c>"loss"</c> (<see cref="JsonFlattenAttribute"/>) and are errors with other losses.
/// </summary>
/// <remarks>
/// The <see cref="JsonPropertyOrderAttribute"/> numbers here and in the option records keep the key order of configs written
/// before the split; a new key takes the next number.
/// </remarks>
public sealed record LossConfig : LossHyperParameters
{
    /// <summary>Which loss (shorthand for a one-term <c>terms</c> list with this section's hyper-parameters).</summary>
    [JsonPropertyOrder(0)]
    public LossKind Kind { get; init; } = LossKind.CrossEntropy;

    /// <summary>A pixel sampler around the loss (segmentation).</summary>
    [JsonFlatten]
    public PixelSamplerOptions PixelSampler { get; init; } = new();

    /// <summary>The OHEM pixel sampler's settings.</summary>
    [JsonFlatten]
    public OhemSamplerOptions OhemSampler { get; init; } = new();

    /// <summary>
    /// With <see cref="ModelConfig.AuxHead"/>: weight of the auxiliary head's loss (mmsegmentation: 0.4). That loss is a second
    /// instance of the configured loss, so a recall loss keeps separate counts (and EMA) for the auxiliary logits.
    /// </summary>
    [JsonPropertyOrder(7)]
    public double AuxWeight { get; init; } = 0.4;

    /// <summary>Factor of this loss in the total (mmsegmentation's <c>loss_weight</c>).</summary>
    [JsonPropertyOrder(14)]
    public double LossWeight { get; init; } = 1;

    /// <summary>
    /// A second loss added to the first, e.g. <c>lovasz</c> with <c>kind = cross_entropy</c>; it reads the same hyper-parameters
    /// (shorthand for the two-term <c>terms</c> list).
    /// </summary>
    [JsonPropertyOrder(15)]
    public LossKind? PlusKind { get; init; }

    /// <summary>Factor of <see cref="PlusKind"/> in the total.</summary>
    [JsonPropertyOrder(16)]
    public double PlusLossWeight { get; init; } = 1;

    /// <summary>
    /// The terms of the loss (mmsegmentation's <c>loss_decode</c> list), each with its kind, weight and own hyper-parameters
    /// (the same keys as in this section, e.g. <c>[{"kind": "cross_entropy"}, {"kind": "dice", "weight": 3, "ema_alpha": null}]</c>);
    /// the loss is Σ weight_i · term_i. Null uses <c>kind</c> (and <c>plus_kind</c>), which may not be set with it.
    /// </summary>
    [JsonPropertyOrder(25)]
    public LossTerm[]? Terms { get; init; }

    /// <summary>
    /// The terms this config trains with: <see cref="Terms"/>, or the shorthand <see cref="Kind"/> (weight <see cref="LossWeight"/>)
    /// and, when set, <see cref="PlusKind"/> (weight <see cref="PlusLossWeight"/>), both with this section's hyper-parameters.
    /// </summary>
    [JsonIgnore]
    public IReadOnlyList<LossTerm> TrainedTerms => Terms ?? (PlusKind is { } plus
        ? [LossTerm.Of(this, Kind, LossWeight), LossTerm.Of(this, plus, PlusLossWeight)]
        : [LossTerm.Of(this, Kind, LossWeight)]);

    /// <summary>The kinds this config trains with, one per term of <see cref="TrainedTerms"/>.</summary>
    [JsonIgnore]
    public IEnumerable<LossKind> Kinds => TrainedTerms.Select(t => t.Kind);

    /// <summary>Whether this config trains with LDAM, which is only ever alone (one term, weight 1).</summary>
    [JsonIgnore]
    public bool TrainsLdam => Kinds.Contains(LossKind.Ldam);

    /// <summary>Range checks of the loss section's keys and of its combination of losses (for a classification run or not).</summary>
    public void Validate(ConfigProblems problems, bool classification)
    {
        if (Terms is null) problems.Add(LossTermRules.RangeProblems(LossTerm.Of(this, Kind, LossWeight), "loss."));
        problems.Require(AuxWeight >= 0 && double.IsFinite(AuxWeight), c => c.Loss.AuxWeight, AuxWeight, "a finite number ≥ 0");
        problems.Require(classification || Kind != LossKind.Ldam, c => c.Loss.Kind, Kind, "a segmentation loss (ldam is for classification)");
        problems.Require(OhemSampler.Thresh is null or (> 0 and < 1), c => c.Loss.OhemSampler.Thresh, OhemSampler.Thresh,
            "a probability in (0, 1), or null to keep the largest losses");
        problems.Require(OhemSampler.MinKept >= 0, c => c.Loss.OhemSampler.MinKept, OhemSampler.MinKept, "≥ 0");
        problems.Require(PixelSampler.Kind == PixelSamplerKind.None || !Kinds.Any(k => k is LossKind.SoftIoU or LossKind.Lovasz),
            c => c.Loss.PixelSampler.Kind, "ohem", "none with soft_iou or lovasz (set-function losses have no per-position values to select)");
        problems.Require(double.IsFinite(LossWeight), c => c.Loss.LossWeight, LossWeight, "a finite number");
        problems.Require(double.IsFinite(PlusLossWeight), c => c.Loss.PlusLossWeight, PlusLossWeight, "a finite number");
        problems.Require(PlusKind is not LossKind.Ldam, c => c.Loss.PlusKind, PlusKind, "not ldam (its margins and deferred re-weighting act on the main loss only)");
        problems.Require(Kind != LossKind.Ldam || (PlusKind is null && LossWeight == 1), c => c.Loss.Kind, Kind,
            "ldam alone (loss.plus_kind unset, loss.loss_weight = 1): its deferred re-weighting is switched on the LDAM module itself");
        problems.Add(LossTermRules.Problems(this, classification));
    }
}
