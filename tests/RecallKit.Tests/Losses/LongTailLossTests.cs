using RecallKit.Losses;
using RecallKit.Runtime;
using RecallKit.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Losses;

/// <summary>
/// Logit-adjusted and balanced-softmax cross-entropy against host loops in float64, their equivalence, finite differences and
/// their errors; the seesaw loss's own properties (its PyTorch reference is in <see cref="SeesawReferenceTests"/>).
/// </summary>
public class LongTailLossTests
{
    private const long Ignore = 255;
    private static readonly long[] Counts = [500, 120, 30, 4];

    [Fact]
    public void LogitAdjustedCrossEntropyIsCrossEntropyOnLogitsPlusTauLogPriorForEachReduction()
    {
        const double tau = 1.5;
        var (input, target) = Tensors.Random([3, 4, 3, 2], Ignore, 0.2, seed: 11);
        var (rows, targets) = ReferenceLoss.Flatten(input, target);
        double total = Counts.Sum();
        var per = new double[rows.Length];
        for (int i = 0; i < rows.Length; i++)
            if (targets[i] != Ignore)
                per[i] = ReferenceLoss.CrossEntropy(rows[i].Select((z, c) => z + tau * Math.Log(Counts[c] / total)).ToArray(), targets[i]);
        int valid = targets.Count(t => t != Ignore);

        Assert.Equal(per.Sum() / valid, new LogitAdjustedCrossEntropy(4, Counts, tau, Ignore).call(input, target).Scalar(), 12);
        Assert.Equal(per.Sum(), new LogitAdjustedCrossEntropy(4, Counts, tau, Ignore, nn.Reduction.Sum).call(input, target).Scalar(), 11);
        var none = new LogitAdjustedCrossEntropy(4, Counts, tau, Ignore, nn.Reduction.None).call(input, target);
        Assert.Equal(target.shape, none.shape);
        Tensors.AllClose(per, none.ToDoubles(), 1e-12);
    }

    [Fact]
    public void LogitAdjustmentWithTauZeroIsCrossEntropyAndTheRareClassGetsTheLargerLossAtEqualLogits()
    {
        var (input, target) = Tensors.Random([5, 4], Ignore, 0, seed: 2);
        Assert.Equal(new CrossEntropy(4, Ignore).call(input, target).Scalar(), new LogitAdjustedCrossEntropy(4, Counts, 0, Ignore).call(input, target).Scalar(), 13);

        // Equal logits: the loss of the rarest class is −log π_3 + log Σ π = −log(4/654) for τ = 1.
        var flat = zeros(1, 4, dtype: ScalarType.Float64);
        var loss = new LogitAdjustedCrossEntropy(4, Counts, 1, Ignore);
        Assert.Equal(-Math.Log(4.0 / 654), loss.call(flat, Tensors.Targets(3)).Scalar(), 12);
        Assert.Equal(-Math.Log(500.0 / 654), loss.call(flat, Tensors.Targets(0)).Scalar(), 12);
    }

    [Fact]
    public void BalancedSoftmaxEqualsLogitAdjustmentWithTauOneInValueAndGradient()
    {
        foreach (var shape in new long[][] { [6, 4], [2, 4, 3, 5] })
            foreach (var reduction in new[] { nn.Reduction.Mean, nn.Reduction.Sum, nn.Reduction.None })
            {
                using var scope = NewDisposeScope();
                var (input, target) = Tensors.Random(shape, Ignore, 0.2, seed: 7);
                var other = input.detach().clone().requires_grad_(true);
                var balanced = new BalancedSoftmaxCrossEntropy(4, Counts, Ignore, reduction).call(input, target);
                var adjusted = new LogitAdjustedCrossEntropy(4, Counts, 1.0, Ignore, reduction).call(other, target);
                Tensors.AllClose(adjusted.ToDoubles(), balanced.ToDoubles(), 1e-12);
                var cotangent = rand(balanced.shape, dtype: ScalarType.Float64, generator: Seeded.Generator(4));
                (balanced * cotangent).sum().backward();
                (adjusted * cotangent).sum().backward();
                Assert.Contains(input.grad!.ToDoubles(), g => g != 0);
                Tensors.AllClose(other.grad!.ToDoubles(), input.grad!.ToDoubles(), 1e-12);
            }
    }

    [Fact]
    public void BalancedSoftmaxIsCrossEntropyOnLogitsPlusLogCounts()
    {
        var (input, target) = Tensors.Random([4, 4, 2, 2], Ignore, 0.25, seed: 19);
        var (rows, targets) = ReferenceLoss.Flatten(input, target);
        var valid = Enumerable.Range(0, rows.Length).Where(i => targets[i] != Ignore).ToArray();
        double expected = valid.Average(i => ReferenceLoss.CrossEntropy(rows[i].Select((z, c) => z + Math.Log(Counts[c])).ToArray(), targets[i]));
        Assert.Equal(expected, new BalancedSoftmaxCrossEntropy(4, Counts, Ignore).call(input, target).Scalar(), 12);
    }

    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        var (input, target) = Tensors.Random([2, 4, 2, 2], Ignore, 0.2, seed: 3);
        FiniteDifferences.Check(x => new LogitAdjustedCrossEntropy(4, Counts, 0.7, Ignore).call(x, target), input);
        FiniteDifferences.Check(x => new BalancedSoftmaxCrossEntropy(4, Counts, Ignore).call(x, target), input);
    }

    /// <summary>
    /// The seesaw factors S depend on the logits only through the detached softmax, so the gradient is that of cross-entropy on
    /// z + log S with S held at the point (not the derivative of the loss as a function of z): checked against that loss with
    /// S computed on the host.
    /// </summary>
    [Fact]
    public void SeesawGradientIsCrossEntropyOnTheAdjustedLogitsWithTheFactorsHeld()
    {
        var (input, target) = Tensors.Random([2, 4, 2, 2], Ignore, 0.2, seed: 3);
        using var seesaw = new SeesawLoss(4, ignore_index: Ignore);
        seesaw.cum_samples.copy_(tensor(new double[] { 50, 12, 3, 1 }));
        seesaw.eval(); // the counts stay as set
        var x = input.detach().clone().requires_grad_(true);
        seesaw.call(x, target).backward();
        var shift = SeesawLogits(seesaw, input, target) - input.detach();
        var y = input.detach().clone().requires_grad_(true);
        new CrossEntropy(4, Ignore).call(y.add(shift, Scalars.One), target).backward();
        Assert.Contains(x.grad!.ToDoubles(), g => g != 0);
        Tensors.AllClose(y.grad!.ToDoubles(), x.grad!.ToDoubles(), 1e-12);
    }

    /// <summary>z + log S (off the target class) computed on the host from the module's cum_samples.</summary>
    private static Tensor SeesawLogits(SeesawLoss seesaw, Tensor input, Tensor target)
    {
        var (rows, targets) = ReferenceLoss.Flatten(input, target);
        var n = seesaw.cum_samples.ToDoubles().Select(v => Math.Max(v, 1)).ToArray();
        var result = new double[rows.Length][];
        for (int i = 0; i < rows.Length; i++)
        {
            long y = targets[i] == Ignore ? 0 : targets[i];
            double max = rows[i].Max();
            var e = rows[i].Select(v => Math.Exp(v - max)).ToArray();
            var s = e.Select(v => v / e.Sum()).ToArray();
            result[i] = rows[i].Select((z, j) =>
            {
                if (j == y) return z;
                double m = n[j] / n[y] < 1 ? Math.Pow(n[j] / n[y], seesaw.p) : 1;
                double ratio = s[j] / Math.Max(s[y], seesaw.eps);
                double c = ratio > 1 ? Math.Pow(ratio, seesaw.q) : 1;
                return z + Math.Log(m * c);
            }).ToArray();
        }
        long classes = input.shape[1];
        var flat = tensor(result.SelectMany(r => r).ToArray(), dtype: ScalarType.Float64);
        var moved = input.shape.Where((_, i) => i != 1).Append(classes).ToArray();
        return flat.view(moved).movedim(new long[] { -1 }, new long[] { 1 }).contiguous();
    }

    [Fact]
    public void SeesawMatchesAHostLoopWithIgnoredPositionsAndSegmentationShapes()
    {
        using var seesaw = new SeesawLoss(4, 0.8, 2.0, 0.01, Ignore, nn.Reduction.None);
        var (input, target) = Tensors.Random([2, 4, 3, 3], Ignore, 0.2, seed: 13);
        var per = seesaw.call(input, target);
        // The counts were added before the loss: the host loop reads them after the call.
        var expected = SeesawLogits(seesaw, input, target);
        var (rows, targets) = ReferenceLoss.Flatten(expected, target);
        var reference = rows.Select((r, i) => targets[i] == Ignore ? 0 : ReferenceLoss.CrossEntropy(r, targets[i])).ToArray();
        Tensors.AllClose(reference, per.ToDoubles(), 1e-12);
        var counted = target.flatten().ToDoubles().Where(t => t != Ignore).GroupBy(t => t).ToDictionary(g => (int)g.Key, g => (double)g.Count());
        Tensors.AllClose(Enumerable.Range(0, 4).Select(c => counted.GetValueOrDefault(c)).ToArray(), seesaw.cum_samples.ToDoubles(), 0);
    }

    [Fact]
    public void SeesawWithBothFactorsOffIsCrossEntropyAndEvalModeLeavesTheCountsAlone()
    {
        var (input, target) = Tensors.Random([6, 4], Ignore, 0.2, seed: 9);
        using var off = new SeesawLoss(4, p: 0, q: 0, ignore_index: Ignore);
        Assert.Equal(new CrossEntropy(4, Ignore).call(input, target).Scalar(), off.call(input, target).Scalar(), 13);

        using var seesaw = new SeesawLoss(4, ignore_index: Ignore);
        seesaw.call(input, target);
        var after = seesaw.cum_samples.ToDoubles();
        Assert.True(after.Sum() > 0);
        seesaw.eval();
        seesaw.call(input, target);
        Tensors.AllClose(after, seesaw.cum_samples.ToDoubles(), 0);
        seesaw.train();
        seesaw.call(input, target);
        Tensors.AllClose(after.Select(v => 2 * v).ToArray(), seesaw.cum_samples.ToDoubles(), 0);
    }

    [Fact]
    public void SeesawAddsTheReducedCountsAsADataParallelRunWould()
    {
        var (input, target) = Tensors.Random([6, 4], Ignore, 0.2, seed: 9);
        Tensor? seen = null;
        // Three ranks with the same batch: the all-reduced counts are three times the local ones.
        using var seesaw = new SeesawLoss(4, ignore_index: Ignore, count_reducer: counts =>
        {
            seen = counts.clone().DetachFromDisposeScope();
            using var three = 3.ToScalar();
            return counts.mul(three);
        });
        seesaw.call(input, target);
        Assert.Equal(ScalarType.Int64, seen!.dtype);
        Assert.Equal([4L], seen.shape);
        Tensors.AllClose(seen.ToDoubles().Select(v => 3 * v).ToArray(), seesaw.cum_samples.ToDoubles(), 0);

        using var bad = new SeesawLoss(4, ignore_index: Ignore, count_reducer: counts => counts.narrow(0, 0, 2));
        var e = Assert.Throws<InvalidOperationException>(() => bad.call(input, target));
        Assert.Contains("[4]", e.Message);
    }

    [Fact]
    public void CountsThatAreNotPositiveAreRejectedNamingTheClass()
    {
        var e = Assert.Throws<ArgumentException>(() => new LogitAdjustedCrossEntropy(4, [10, 0, 5, 2]));
        Assert.Contains("class 1", e.Message);
        Assert.Contains(nameof(LogitAdjustedCrossEntropy), e.Message);
        e = Assert.Throws<ArgumentException>(() => new BalancedSoftmaxCrossEntropy(4, [10, 3, 5, -2]));
        Assert.Contains("class 3", e.Message);
        Assert.Contains(nameof(BalancedSoftmaxCrossEntropy), e.Message);
        e = Assert.Throws<ArgumentException>(() => new LogitAdjustedCrossEntropy(4, [10, 3, 5]));
        Assert.Contains("num_classes = 4", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogitAdjustedCrossEntropy(4, Counts, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SeesawLoss(4, p: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SeesawLoss(4, q: double.PositiveInfinity));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SeesawLoss(4, eps: 0));
    }

    [Fact]
    public void FunctionalFormsRejectPerClassTensorsOfTheWrongLength()
    {
        var (input, target) = Tensors.Random([3, 4], Ignore, 0, seed: 1);
        var e = Assert.Throws<ArgumentException>(() => functional.logit_adjusted_cross_entropy(input, target, zeros(3, dtype: ScalarType.Float64)));
        Assert.Contains("log_prior must be [4]", e.Message);
        e = Assert.Throws<ArgumentException>(() => functional.balanced_softmax_cross_entropy(input, target, zeros(5, dtype: ScalarType.Float64)));
        Assert.Contains("log_counts must be [4]", e.Message);
        e = Assert.Throws<ArgumentException>(() => functional.seesaw_loss(input, target, zeros(4, dtype: ScalarType.Int64)));
        Assert.Contains("floating", e.Message);
        e = Assert.Throws<ArgumentException>(() => new SeesawLoss(4).call(input, Tensors.Targets(0, 1, 7)));
        Assert.Contains("class id 7", e.Message);
    }

    [Fact]
    public void CumSamplesIsAPersistentBufferThatMovesWithTheModule()
    {
        using var seesaw = new SeesawLoss(4, ignore_index: Ignore);
        var (input, target) = Tensors.Random([6, 4], Ignore, 0.2, seed: 9);
        seesaw.call(input, target);
        var state = seesaw.state_dict();
        Assert.True(state.ContainsKey("cum_samples"));
        using var restored = new SeesawLoss(4, ignore_index: Ignore);
        restored.load_state_dict(state);
        Tensors.AllClose(seesaw.cum_samples.ToDoubles(), restored.cum_samples.ToDoubles(), 0);
        Assert.True(new LogitAdjustedCrossEntropy(4, Counts).state_dict().ContainsKey("log_prior"));
        Assert.True(new BalancedSoftmaxCrossEntropy(4, Counts).state_dict().ContainsKey("log_counts"));
        restored.to(ScalarType.Float32);
        Assert.Equal(ScalarType.Float32, restored.cum_samples.dtype);
        var value = restored.call(input.detach().to_type(ScalarType.Float32), target);
        Assert.Equal(ScalarType.Float32, value.dtype);
    }
}
