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
}
