using RecallKit.Losses;
using RecallKit.Vision.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Vision.Training;

/// <summary>Creates the loss a config names; frequency-based losses take the training split's class counts.</summary>
public static class LossFactory
{
    /// <summary>A loss module for <paramref name="num_classes"/> classes.</summary>
    /// <param name="config">Loss kind and hyper-parameters.</param>
    /// <param name="num_classes">C.</param>
    /// <param name="ignore_index">Ignored label.</param>
    /// <param name="class_counts">Training-set pixels per class (never validation data); needed by frequency-based losses.</param>
    public static nn.Module<Tensor, Tensor, Tensor> Create(LossConfig config, int num_classes, int ignore_index, IReadOnlyList<long>? class_counts)
    {
        return config.Kind switch
        {
            LossKind.CrossEntropy => nn.CrossEntropyLoss(ignore_index: ignore_index),
            LossKind.Recall => new RecallCrossEntropy(num_classes, config.EmaAlpha, ignore_index),
            LossKind.Precision => new MetricWeightedCrossEntropy(num_classes, RegionMetric.Precision, config.EmaAlpha, ignore_index),
            _ => throw new NotSupportedException($"loss {config.Kind} is not available in this build."),
        };
    }

    /// <summary>Whether the loss needs training-set class counts.</summary>
    public static bool NeedsClassCounts(LossKind kind) =>
        kind is LossKind.InverseFrequency or LossKind.MedianFrequency or LossKind.ClassBalanced;
}
