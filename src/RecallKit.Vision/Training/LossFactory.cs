using RecallKit.Losses;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Distributed;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Vision.Training;

/// <summary>Creates the loss a config names; frequency-based losses take the training split's class counts.</summary>
public static class LossFactory
{
    /// <summary>
    /// A loss module for <paramref name="num_classes"/> classes: the single term of weight 1 itself (so its state keys stay those
    /// of the bare loss), otherwise a <see cref="CombinedLoss"/> Σ weight_i · term_i of the config's terms
    /// (<see cref="LossConfig.TrainedTerms"/>: <c>loss.terms</c>, or <c>loss.kind</c> and <c>loss.plus_kind</c>).
    /// </summary>
    /// <param name="config">Loss terms and hyper-parameters.</param>
    /// <param name="num_classes">C.</param>
    /// <param name="ignore_index">Ignored label.</param>
    /// <param name="class_counts">Training-set pixels per class (never validation data); needed by frequency-based losses.</param>
    /// <param name="count_reducer">
    /// Recall and precision losses: applied to the per-class counts of each batch; a data-parallel run passes
    /// <see cref="DistributedTensors.CountReducer"/> of its ranks, so that the weights are those of the whole batch. Null: this
    /// process's counts as they are.
    /// </param>
    public static nn.Module<Tensor, Tensor, Tensor> Create(LossConfig config, int num_classes, int ignore_index, IReadOnlyList<long>? class_counts,
        Func<Tensor, Tensor>? count_reducer = null)
    {
        // The OHEM pixel sampler selects among per-position losses: its parts are built with reduction None.
        bool sampled = config.PixelSampler.Kind == PixelSamplerKind.Ohem;
        var reduction = sampled ? nn.Reduction.None : nn.Reduction.Mean;
        var terms = config.TrainedTerms;
        var parts = terms.Select(t => (t.Weight, Single(t, num_classes, ignore_index, class_counts, count_reducer, reduction))).ToArray();
        var loss = parts is [(1, var alone)] ? alone : new CombinedLoss(parts);
        return sampled ? new OhemPixelSampler(num_classes, loss, config.OhemSampler.Thresh, config.OhemSampler.MinKept, ignore_index) : loss;
    }

    private static nn.Module<Tensor, Tensor, Tensor> Single(LossTerm config, int num_classes, int ignore_index,
        IReadOnlyList<long>? class_counts, Func<Tensor, Tensor>? count_reducer, nn.Reduction reduction)
    {
        var kind = config.Kind;
        IReadOnlyList<long> Counts() => class_counts ?? throw new ArgumentException($"loss {kind} needs the training split's class counts.");
        MetricWeightedCrossEntropy Metric(RegionMetric metric) => new(num_classes, metric, config.Metric.EmaAlpha, ignore_index, reduction, count_reducer);
        return kind switch
        {
            LossKind.CrossEntropy => new CrossEntropy(num_classes, ignore_index, reduction),
            LossKind.Recall when config.RecallBlend.Blend is { } blend =>
                new BlendedRecallCrossEntropy(num_classes, BlendFixedWeights(config, Counts()), blend, config.Metric.EmaAlpha, ignore_index, reduction, count_reducer),
            LossKind.Recall => new RecallCrossEntropy(num_classes, config.Metric.EmaAlpha, ignore_index, reduction, count_reducer),
            LossKind.Precision => Metric(RegionMetric.Precision),
            LossKind.Dice => Metric(RegionMetric.Dice),
            LossKind.Jaccard => Metric(RegionMetric.Jaccard),
            LossKind.Tversky => Metric(RegionMetric.Tversky(config.Tversky.Alpha, config.Tversky.Beta)),
            LossKind.InverseFrequency => new FrequencyWeightedCrossEntropy(num_classes, Counts(), FrequencyWeighting.InverseFrequency, ignore_index: ignore_index, reduction: reduction),
            LossKind.MedianFrequency => new FrequencyWeightedCrossEntropy(num_classes, Counts(), FrequencyWeighting.MedianFrequency, ignore_index: ignore_index, reduction: reduction),
            LossKind.ClassBalanced => new ClassBalancedCrossEntropy(num_classes, Counts(), config.ClassBalanced.Beta, ignore_index: ignore_index, reduction: reduction),
            LossKind.Focal => new FocalLoss(num_classes, config.Focal.Gamma, config.Focal.Alpha, ignore_index, reduction),
            LossKind.Ohem => new OhemCrossEntropy(num_classes, config.Ohem.Keep, config.Ohem.MinKept, config.Ohem.Threshold, ignore_index: ignore_index, reduction: reduction),
            LossKind.SoftIoU => new SoftIoULoss(num_classes, ignore_index: ignore_index),
            LossKind.Lovasz => new LovaszSoftmaxLoss(num_classes, ignore_index: ignore_index),
            LossKind.Ldam => new LdamLoss(Counts(), config.Ldam.MaxMargin, config.Ldam.Scale, ignore_index: ignore_index, reduction: reduction),
            LossKind.LogitAdjusted => new LogitAdjustedCrossEntropy(num_classes, Counts(), config.LogitAdjustment.Tau, ignore_index, reduction),
            LossKind.BalancedSoftmax => new BalancedSoftmaxCrossEntropy(num_classes, Counts(), ignore_index, reduction),
            LossKind.Seesaw => new SeesawLoss(num_classes, config.Seesaw.P, config.Seesaw.Q, ignore_index: ignore_index, reduction: reduction, count_reducer: count_reducer),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown loss kind."),
        };
    }

    /// <summary>The fixed weights of <c>loss.recall_blend</c> (normalised to mean 1 by the loss).</summary>
    private static double[] BlendFixedWeights(LossTerm config, IReadOnlyList<long> counts) => config.RecallBlend.Fixed switch
    {
        RecallBlendFixedWeights.ClassBalanced => FrequencyWeights.ClassBalanced(counts, config.ClassBalanced.Beta ?? FrequencyWeights.AutoBeta(counts)),
        _ => FrequencyWeights.InverseFrequency(counts),
    };

    /// <summary>Whether the loss needs training-set class counts.</summary>
    public static bool NeedsClassCounts(LossKind kind) =>
        kind is LossKind.InverseFrequency or LossKind.MedianFrequency or LossKind.ClassBalanced or LossKind.Ldam
            or LossKind.LogitAdjusted or LossKind.BalancedSoftmax;

    /// <summary>Whether any of the config's losses needs training-set class counts.</summary>
    public static bool NeedsClassCounts(LossConfig config) =>
        config.TrainedTerms.Any(t => NeedsClassCounts(t.Kind) || RecallBlendOptions.Blends(t));
}
