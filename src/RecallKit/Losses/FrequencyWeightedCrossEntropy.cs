using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Losses;

/// <summary>
/// Cross-entropy weighted by dataset-level class frequency: inverse frequency (w_c ∝ 1/n_c) or median frequency balancing
/// (w_c = median(n)/n_c). Class counts come from the training split; a class with count 0 gets weight 0.
/// The weights are the persistent buffer <c>weight</c> [C] (float64; <c>Module.to</c> moves and converts it).
/// </summary>
public class FrequencyWeightedCrossEntropy : Loss<Tensor, Tensor, Tensor>
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
        : base(reduction)
    {
        var counts = DatasetCountsValidation.Check(class_counts, num_classes, nameof(FrequencyWeightedCrossEntropy));
        var raw = weighting == FrequencyWeighting.InverseFrequency ? FrequencyWeights.InverseFrequency(counts) : FrequencyWeights.MedianFrequency(counts);
        weights = FrequencyWeights.NormaliseToClassCount(raw);
        register_buffer(LossBuffers.Weight, LossBuffers.Create(weights));
        this.num_classes = num_classes;
        this.ignore_index = ignore_index;
        this.weight_normalization = weight_normalization;
    }

    /// <summary>C.</summary>
    public long num_classes { get; }

    /// <summary>Ignored target value.</summary>
    public long ignore_index { get; }

    /// <summary>How the mean is taken.</summary>
    public WeightNormalization weight_normalization { get; }

    /// <summary>The class weights, normalised to sum to C.</summary>
    public IReadOnlyList<double> class_weights => weights;

    /// <inheritdoc />
    public override Tensor forward(Tensor input, Tensor target)
    {
        var name = GetType().Name;
        LossBuffers.CheckDevice(this, LossBuffers.Weight, input, name);
        var t = InputValidation.CheckClassification(input, target, num_classes, ignore_index, name);
        using var scope = NewDisposeScope();
        var w = LossBuffers.For(this, LossBuffers.Weight, input, name);
        return WeightedLoss.CrossEntropy(input, t, w, ignore_index, reduction, weight_normalization).MoveToOuterDisposeScope();
    }
}
