using RecallKit.Losses;
using RecallKit.Tests.Support;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Losses;

/// <summary>
/// loss.recall_blend: w_c = λ·(1 − recall_c) + (1 − λ)·w_c^fixed (fixed normalised to mean 1) against a host loop, its two ends,
/// the count reducer's valid count, its state and its config keys.
/// </summary>
public class BlendedRecallTests
{
    private const long Ignore = 255;
    private static readonly double[] Fixed = [1, 4, 2, 9]; // normalised: × 4 / 16

    [Theory]
    [InlineData(nn.Reduction.Mean)]
    [InlineData(nn.Reduction.Sum)]
    [InlineData(nn.Reduction.None)]
    public void TheLossIsTheBlendedWeightsTimesCrossEntropyByHand(nn.Reduction reduction)
    {
        const double lambda = 0.3;
        var (input, target) = Tensors.Random([3, 4, 3, 2], Ignore, 0.2, seed: 21);
        var (rows, targets) = ReferenceLoss.Flatten(input, target);
        var (tp, _, fn) = ReferenceLoss.Counts(rows, targets, 4, Ignore);
        var weights = Enumerable.Range(0, 4).Select(c =>
            lambda * (tp[c] + fn[c] > 0 ? 1 - tp[c] / (tp[c] + fn[c]) : 0) + (1 - lambda) * Fixed[c] * 4 / 16).ToArray();
        var per = rows.Select((r, i) => targets[i] == Ignore ? 0 : weights[targets[i]] * ReferenceLoss.CrossEntropy(r, targets[i])).ToArray();
        int valid = targets.Count(t => t != Ignore);

        using var loss = new BlendedRecallCrossEntropy(4, Fixed, lambda, ignore_index: Ignore, reduction: reduction);
        var value = loss.call(input, target);
        var expected = reduction switch { nn.Reduction.Mean => [per.Sum() / valid], nn.Reduction.Sum => [per.Sum()], _ => per };
        Tensors.AllClose(expected, value.ToDoubles(), 1e-12);
        Tensors.AllClose(weights, loss.applied_class_weights(), 1e-12);
        Tensors.AllClose(Fixed.Select(w => w / 4).ToArray(), loss.fixed_weights.ToArray(), 1e-15);
    }

    [Fact]
    public void LambdaOneIsTheRecallLossAndLambdaZeroTheFixedWeightsAveragedOverValidPositionsInValueAndGradient()
    {
        var (input, target) = Tensors.Random([2, 4, 3, 3], Ignore, 0.2, seed: 4);
        void Same(nn.Module<Tensor, Tensor, Tensor> a, nn.Module<Tensor, Tensor, Tensor> b)
        {
            using var scope = NewDisposeScope();
            var x = input.detach().clone().requires_grad_(true);
            var y = input.detach().clone().requires_grad_(true);
            var va = a.call(x, target);
            var vb = b.call(y, target);
            Assert.Equal(vb.Scalar(), va.Scalar(), 12);
            va.backward();
            vb.backward();
            Tensors.AllClose(y.grad!.ToDoubles(), x.grad!.ToDoubles(), 1e-12);
        }
        Same(new BlendedRecallCrossEntropy(4, Fixed, 1, ignore_index: Ignore), new RecallCrossEntropy(4, ignore_index: Ignore));
        Same(new BlendedRecallCrossEntropy(4, Fixed, 1, 0.4, Ignore), new RecallCrossEntropy(4, 0.4, Ignore));
        Same(new BlendedRecallCrossEntropy(4, FrequencyWeights.InverseFrequency([400, 100, 40, 8]), 0, ignore_index: Ignore),
            new FrequencyWeightedCrossEntropy(4, [400, 100, 40, 8], weight_normalization: WeightNormalization.ValidMean, ignore_index: Ignore));
    }

    [Fact]
    public void WithACountReducerTheMeanDividesByTheReducedValidCount()
    {
        var (input, target) = Tensors.Random([6, 4], Ignore, 0.2, seed: 9);
        using var local = new BlendedRecallCrossEntropy(4, Fixed, 0.5, ignore_index: Ignore);
        // Three ranks with the same batch: recall unchanged, the valid count three times as large.
        using var reduced = new BlendedRecallCrossEntropy(4, Fixed, 0.5, ignore_index: Ignore, count_reducer: counts =>
        {
            using var three = 3.ToScalar();
            return counts.mul(three);
        });
        Assert.Equal(local.call(input, target).Scalar() / 3, reduced.call(input, target).Scalar(), 12);
        Assert.NotNull(reduced.count_reducer);
    }

    [Fact]
    public void TheRecallEmaIsInTheStateDictAndBadArgumentsAreRefused()
    {
        using var loss = new BlendedRecallCrossEntropy(4, Fixed, 0.5, 0.2, Ignore);
        var (input, target) = Tensors.Random([6, 4], Ignore, 0.2, seed: 9);
        loss.call(input, target);
        var state = loss.state_dict();
        Assert.Contains("recall.running_recall", state.Keys);
        Assert.Contains("fixed_weight", state.Keys);
        Assert.Contains(loss.recall_loss.running_recall.ToDoubles(), v => v > 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BlendedRecallCrossEntropy(4, Fixed, 1.5));
        Assert.Contains("fixed_weights[1]", Assert.Throws<ArgumentException>(() => new BlendedRecallCrossEntropy(4, [1, -1, 1, 1], 0.5)).Message);
        Assert.Contains("num_classes = 4", Assert.Throws<ArgumentException>(() => new BlendedRecallCrossEntropy(4, [1, 1], 0.5)).Message);
    }

    private static TrainConfig Load(params string[] overrides) => ConfigLoader.Load(null, overrides);

    [Fact]
    public void TheConfigBuildsItWithTheTrainingSplitsWeightsAndRejectsItsKeysWhereTheyAreNotRead()
    {
        long[] counts = [90, 9, 1];
        var config = Load("loss.kind=recall", "loss.recall_blend=0.25", "loss.beta=0.99");
        Assert.True(LossFactory.NeedsClassCounts(config.Loss));
        var blended = Assert.IsType<BlendedRecallCrossEntropy>(LossFactory.Create(config.Loss, 3, 255, counts));
        Assert.Equal(0.25, blended.recall_blend);
        Tensors.AllClose(FrequencyWeights.ClassBalanced(counts, 0.99), blended.fixed_weights.ToArray(), 1e-12);

        var inverse = Assert.IsType<BlendedRecallCrossEntropy>(LossFactory.Create(
            Load("loss.kind=recall", "loss.recall_blend=0.25", "loss.recall_blend_fixed=inverse_frequency").Loss, 3, 255, counts));
        Tensors.AllClose(FrequencyWeights.NormaliseToClassCount(FrequencyWeights.InverseFrequency(counts)), inverse.fixed_weights.ToArray(), 1e-12);
        Assert.IsType<RecallCrossEntropy>(LossFactory.Create(Load("loss.kind=recall").Loss, 3, 255, null));

        foreach (var (overrides, key) in new (string[], string)[]
        {
            (["loss.kind=cross_entropy", "loss.recall_blend=0.5"], "loss.recall_blend = 0.5 has no effect here"),
            (["loss.kind=recall", "loss.recall_blend=1.5"], "loss.recall_blend = 1.5 is invalid"),
            (["loss.kind=recall", "loss.recall_blend_fixed=inverse_frequency"], "loss.recall_blend_fixed = inverse_frequency is invalid"),
            (["loss.kind=recall", "loss.recall_blend=0.5", "loss.recall_blend_fixed=inverse_frequency", "loss.beta=0.9"], "loss.beta = 0.9 has no effect here"),
            (["loss.kind=recall", "loss.beta=0.9"], "loss.beta = 0.9 has no effect here"),
        })
        {
            var e = Assert.Throws<ConfigException>(() => Load(overrides));
            Assert.Contains(key, e.Message);
        }
    }
}
