using System.Text.Json.Serialization;

namespace RecallKit.Vision.Configuration;

/// <summary>The losses a run can train with.</summary>
public enum LossKind
{
    /// <summary>Plain cross-entropy.</summary>
    CrossEntropy,
    /// <summary>Recall cross-entropy (batch recall, or EMA with <see cref="LossConfig.EmaAlpha"/>).</summary>
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
    /// <summary>LDAM (label-distribution-aware margins) with deferred re-weighting from <see cref="LossConfig.DrwStart"/> (Cao et al. 2019).</summary>
    Ldam,
    /// <summary>Cross-entropy weighted by 1 − Dice_c, 2TP/(2TP+FP+FN) (paper Table 1; batch or EMA like recall).</summary>
    Dice,
    /// <summary>Cross-entropy weighted by 1 − Jaccard_c, TP/(TP+FP+FN).</summary>
    Jaccard,
    /// <summary>Cross-entropy weighted by 1 − Tversky_c, TP/(TP+α·FP+β·FN) with <see cref="LossConfig.TverskyAlpha"/>, <see cref="LossConfig.TverskyBeta"/>.</summary>
    Tversky,
}

/// <summary>Loss choice and its hyper-parameters (each used only by the losses it applies to).</summary>
public sealed record LossConfig
{
    /// <summary>Which loss.</summary>
    public LossKind Kind { get; init; } = LossKind.CrossEntropy;

    /// <summary>Recall/precision: EMA factor α in (0,1]; null for batch statistics.</summary>
    public double? EmaAlpha { get; init; }

    /// <summary>Focal: γ ≥ 0.</summary>
    public double Gamma { get; init; } = 2.0;

    /// <summary>Class-balanced: β in [0,1); null means "auto" = (Σn − 1)/Σn.</summary>
    public double? Beta { get; init; } = 0.9999;

    /// <summary>OHEM: fraction of valid positions kept, in (0,1].</summary>
    public double Keep { get; init; } = 0.7;

    /// <summary>LDAM: largest margin (of the rarest class).</summary>
    public double LdamMaxMargin { get; init; } = 0.5;

    /// <summary>LDAM: logit scale s.</summary>
    public double LdamScale { get; init; } = 30;

    /// <summary>
    /// With <see cref="ModelConfig.AuxHead"/>: weight of the auxiliary head's loss (mmsegmentation: 0.4). That loss is a second
    /// instance of the configured loss, so a recall loss keeps separate counts (and EMA) for the auxiliary logits.
    /// </summary>
    public double AuxWeight { get; init; } = 0.4;

    /// <summary>LDAM: fraction of the iterations after which class-balanced weights (β = 0.9999) switch on (deferred re-weighting); 1 = never.</summary>
    public double DrwStart { get; init; } = 0.8;

    /// <summary>Tversky: weight α ≥ 0 of the false positives.</summary>
    public double TverskyAlpha { get; init; } = 0.5;

    /// <summary>Tversky: weight β ≥ 0 of the false negatives.</summary>
    public double TverskyBeta { get; init; } = 0.5;

    /// <summary>OHEM: also keep every position whose target probability is below this threshold (null: by <see cref="Keep"/> only).</summary>
    public double? OhemThreshold { get; init; }

    /// <summary>OHEM: keep at least this many positions.</summary>
    public long OhemMinKept { get; init; }

    /// <summary>Focal: per-class α weights (one per class), or null for none.</summary>
    public double[]? FocalAlpha { get; init; }

    /// <summary>Factor of this loss in the total (mmsegmentation's <c>loss_weight</c>).</summary>
    public double LossWeight { get; init; } = 1;

    /// <summary>A second loss added to the first, e.g. <c>lovasz</c> with <c>kind = cross_entropy</c>; it reads the same hyper-parameters.</summary>
    public LossKind? PlusKind { get; init; }

    /// <summary>Factor of <see cref="PlusKind"/> in the total.</summary>
    public double PlusLossWeight { get; init; } = 1;

    /// <summary>The kinds this config trains with: <see cref="Kind"/> and, when set, <see cref="PlusKind"/>.</summary>
    [JsonIgnore]
    public IEnumerable<LossKind> Kinds => PlusKind is { } plus ? [Kind, plus] : [Kind];
}
