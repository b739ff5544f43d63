using System.Text.Json.Serialization;
using RecallKit.Vision.Data;

namespace RecallKit.Vision.Configuration;

/// <summary>Class-balanced cross-entropy, which is also the loss of the SDN's inference head h in joint training.</summary>
public sealed record ClassBalancedOptions : LossOptions
{
    /// <summary>β in [0,1); null means "auto" = (Σn − 1)/Σn.</summary>
    [JsonPropertyOrder(3)]
    public double? Beta { get; init; } = 0.9999;

    /// <inheritdoc/>
    public override bool IsReadBy(LossKind kind) => kind == LossKind.ClassBalanced;

    /// <summary>A class-balanced term, or a blended recall term whose fixed weights are the class-balanced ones.</summary>
    public override bool IsReadBy(LossTerm term) =>
        base.IsReadBy(term) || (RecallBlendOptions.Blends(term) && term.RecallBlend.Fixed == RecallBlendFixedWeights.ClassBalanced);

    /// <inheritdoc/>
    public override bool IsRead(TrainConfig config) => base.IsRead(config) || TrainsSdnHead(config);

    /// <inheritdoc/>
    public override string Condition() =>
        $"{base.Condition()}, or model.head = sdn with model.stage = joint (head h's class-balanced loss), or loss.recall_blend with loss.recall_blend_fixed = class_balanced";

    /// <inheritdoc/>
    public override string TermCondition() =>
        $"{base.TermCondition()}, or the term's recall_blend with recall_blend_fixed = class_balanced";

    private static bool TrainsSdnHead(TrainConfig config) =>
        (config.Data.Kind.Task() == TaskKind.Classification) && config.Model.Head == HeadKind.Sdn && config.Model.Stage == TrainingStage.Joint;
}
