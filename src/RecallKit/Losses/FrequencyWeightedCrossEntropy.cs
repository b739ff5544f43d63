using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>
/// Cross-entropy weighted by dataset-level class frequency: inverse frequency (w_c ∝ 1/n_c) or median frequency balancing
/// (w_c = median(n)/n_c). Class counts come from the training split; a class with count 0 gets weight 0.
/// The weights are the persistent buffer <c>weight</c> [C] (float64; <c>Module.to</c> moves and converts it); the math is
/// <see cref="functional.class_weighted_cross_entropy(Tensor, Tensor, Tensor, WeightNormalization, long, nn.Reduction)"/>.
/// </summary>
public class FrequencyWeightedCrossEntropy : WeightedClassificationLoss
{
    private readonly double[] weights;

    /// <param name="num_classes">C.</param>
    /// <param name="class_counts">Training-set samples (pixels) per class, length C.</param>
    /// <param name="weighting">Inverse or median frequency.</param>
    /// <param name="weight_normalization">WeightedMean (PyTorch semantics) or ValidMean (weights summing to C, mean over valid).</param>
    /// <param name="ignore_index">Ignored target value.</param>
    /// <param name="reduction">Mean (per <paramref name="weight_normalization"/>), Sum, or None.</param>
    public FrequencyWeightedCrossEntropy(long num_classes, IReadOnlyList<long> class_counts, FrequencyWeighting weighting = FrequencyWeighting.InverseFrequency,
        WeightNormalization weight_normalization = WeightNormalization.WeightedMean, long ignore_index = -100, nn.Reduction reduction = nn.Reduction.Mean)
        : this(num_classes, Weights(num_classes, class_counts, weighting), weight_normalization, ignore_index, reduction)
    {
    }

    private FrequencyWeightedCrossEntropy(long num_classes, double[] weights, WeightNormalization weight_normalization, long ignore_index,
        nn.Reduction reduction) : base(num_classes, weights, ignore_index, reduction)
    {
        this.weights = weights;
        this.weight_normalization = weight_normalization;
    }

    private static double[] Weights(long num_classes, IReadOnlyList<long> class_counts, FrequencyWeighting weighting)
    {
        var counts = DatasetCountsValidation.Check(class_counts, num_classes, nameof(FrequencyWeightedCrossEntropy));
        var raw = weighting == FrequencyWeighting.InverseFrequency ? FrequencyWeights.InverseFrequency(counts) : FrequencyWeights.MedianFrequency(counts);
        return FrequencyWeights.NormaliseToClassCount(raw);
    }

    /// <summary>How the mean is taken.</summary>
    public WeightNormalization weight_normalization { get; }

    /// <summary>The class weights, normalised to sum to C.</summary>
    public IReadOnlyList<double> class_weights => weights;

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        var targets = Targets(input, target);
        return functional.class_weighted_cross_entropy(input, targets, WeightFor(input)!, weight_normalization, reduction);
    }
}
