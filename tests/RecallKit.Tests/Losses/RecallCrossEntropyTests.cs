using RecallKit.Losses;
using RecallKit.Runtime;
using RecallKit.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Losses;

public class RecallCrossEntropyTests
{
    private const long Ignore = 255;

    private static (Tensor input, Tensor target) FirstHandCase(ScalarType dtype = ScalarType.Float64) => (
        Tensors.Logits(new double[,] { { 2, 1, 0 }, { 0, 2, 1 }, { 1, 0, 3 }, { 0, 1, 0.5 }, { 3, 0, 0 } }, dtype),
        Tensors.Targets(0, 0, 2, 1, Ignore));

    private static (Tensor input, Tensor target) SecondHandCase() => (
        Tensors.Logits(new double[,] { { 2, 0, 0 }, { 1, 0, 0 }, { 0, 3, 0 }, { 0, 2, 0 }, { 0, 0, 1 }, { 5, 0, 0 } }),
        Tensors.Targets(0, 0, 0, 1, 1, Ignore));

    [Fact]
    public void FirstHandCheckGivesPublishedWeightsLossesAndGradient()
    {
        var (input, target) = FirstHandCase();
        using var loss = new RecallCrossEntropy(3, ignore_index: Ignore);
        var mean = loss.call(input, target);
        Tensors.AllClose([0.5, 0, 0], loss.last_weights.ToDoubles());
        Assert.Equal(0.351901491111, mean.Scalar(), 11);
        mean.backward();
        var grad = input.grad!.ToDoubles();
        Tensors.AllClose([-0.04184488, 0.03059106, 0.01125382, -0.11374618, 0.08315512, 0.03059106], grad[..6], 1e-7);
        Assert.All(grad[6..], g => Assert.Equal(0.0, g));

        using var sum = new RecallCrossEntropy(3, ignore_index: Ignore, reduction: nn.Reduction.Sum);
        Assert.Equal(1.40760596444, sum.call(input.detach(), target).Scalar(), 10);
    }

    [Fact]
    public void SecondHandCheckGivesPublishedWeightsAndLosses()
    {
        var (input, target) = SecondHandCase();
        using var loss = new RecallCrossEntropy(3, ignore_index: Ignore);
        Assert.Equal(0.4381597771, loss.call(input, target).Scalar(), 10);
        Tensors.AllClose([1.0 / 3, 0.5, 0], loss.last_weights.ToDoubles());
        var sum = functional.recall_cross_entropy(input, target, Ignore, nn.Reduction.Sum);
        Assert.Equal(2.1907988856, sum.Scalar(), 9);
    }

    [Fact]
    public void MeanDividesByValidPositionsNotByWeightSumNorAllPositions()
    {
        var (input, target) = FirstHandCase();
        var mean = functional.recall_cross_entropy(input, target, Ignore).Scalar();
        var sum = functional.recall_cross_entropy(input, target, Ignore, nn.Reduction.Sum).Scalar();
        Assert.Equal(sum / 4, mean, 12);
    }

    [Fact]
    public void NoneReductionIsPerPositionShapedLikeTargetWithZeroAtIgnored()
    {
        var (input, target) = Tensors.Random([2, 4, 3, 5], Ignore, 0.3, seed: 7);
        var per = functional.recall_cross_entropy(input, target, Ignore, nn.Reduction.None);
        Assert.Equal(target.shape, per.shape);
        var (rows, targets) = ReferenceLoss.Flatten(input, target);
        var w = ReferenceLoss.BatchWeights(rows, targets, 4, Ignore, 0, 1);
        var (_, _, expected) = ReferenceLoss.Weighted(rows, targets, w, Ignore);
        Tensors.AllClose(expected, per.ToDoubles(), 1e-12);
        using var ignore = Ignore.ToScalar();
        Assert.All(per.masked_select(target.eq(ignore)).ToDoubles(), v => Assert.Equal(0.0, v));
    }

    [Theory]
    [InlineData(new long[] { 6, 5 })]
    [InlineData(new long[] { 2, 5, 4, 3 })]
    [InlineData(new long[] { 2, 4, 3, 2, 3 })]
    public void MatchesReferenceLoopForEveryShapeAndReduction(long[] shape)
    {
        var (input, target) = Tensors.Random(shape, Ignore, 0.2, seed: shape.Length);
        var (rows, targets) = ReferenceLoss.Flatten(input, target);
        var w = ReferenceLoss.BatchWeights(rows, targets, (int)shape[1], Ignore, 0, 1);
        var (sum, valid, _) = ReferenceLoss.Weighted(rows, targets, w, Ignore);
        using var loss = new RecallCrossEntropy(shape[1], ignore_index: Ignore);
        Assert.Equal(sum / valid, loss.call(input, target).Scalar(), 12);
        Tensors.AllClose(w, loss.last_weights.ToDoubles(), 1e-15);
        Assert.Equal(sum, functional.recall_cross_entropy(input, target, Ignore, nn.Reduction.Sum).Scalar(), 11);
    }

    [Theory]
    [InlineData(new long[] { 5, 3 })]
    [InlineData(new long[] { 2, 3, 2, 2 })]
    [InlineData(new long[] { 1, 3, 2, 2, 2 })]
    public void GradientMatchesCentralFiniteDifferences(long[] shape)
    {
        var (input, target) = Tensors.Random(shape, Ignore, 0.25, seed: 11 + shape.Length);
        FiniteDifferences.Check(x => functional.recall_cross_entropy(x, target, Ignore), input);
    }

    [Fact]
    public void Float32MatchesFloat64()
    {
        var (input, target) = Tensors.Random([3, 6, 4, 4], Ignore, 0.1, seed: 3);
        var f64 = functional.recall_cross_entropy(input, target, Ignore).Scalar();
        var f32 = functional.recall_cross_entropy(input.detach().to_type(ScalarType.Float32), target, Ignore);
        Assert.Equal(ScalarType.Float32, f32.dtype);
        Assert.Equal(f64, f32.Scalar(), 5);
    }

    [Fact]
    public void AllIgnoredBatchGivesZeroWithZeroGradient()
    {
        var input = randn(new long[] { 2, 3, 2, 2 }, dtype: ScalarType.Float64).requires_grad_(true);
        using var ignore = Ignore.ToScalar();
        var target = full(new long[] { 2, 2, 2 }, ignore, dtype: ScalarType.Int64);
        foreach (var ema in new double?[] { null, 0.5 })
        {
            using var scope = NewDisposeScope();
            using var loss = new RecallCrossEntropy(3, ema_alpha: ema, ignore_index: Ignore);
            var value = loss.call(input, target);
            Assert.Equal(0.0, value.Scalar());
            value.backward();
            Assert.All(input.grad!.ToDoubles(), g => Assert.Equal(0.0, g));
            input.grad!.zero_();
        }
    }

    [Fact]
    public void PerfectPredictionGivesZeroLossNotNaN()
    {
        var input = Tensors.Logits(new double[,] { { 9, 0 }, { 0, 9 } });
        var value = functional.recall_cross_entropy(input, Tensors.Targets(0, 1));
        Assert.Equal(0.0, value.Scalar());
    }

    [Fact]
    public void TiesAreResolvedLikeTorchArgmaxTowardsTheFirstMaximalClass()
    {
        // Row 0 ties classes 0 and 1 with target 1: argmax picks 0, so it is a false negative of class 1.
        var input = Tensors.Logits(new double[,] { { 1, 1, 0 }, { 0, 2, 0 }, { 0, 0, 3 } });
        using var loss = new RecallCrossEntropy(3);
        loss.call(input, Tensors.Targets(1, 1, 2));
        Tensors.AllClose([0, 0.5, 0], loss.last_weights.ToDoubles());
        // Tie between classes 0 and 1 with target 0: counted as correct.
        loss.call(input, Tensors.Targets(0, 1, 2));
        Tensors.AllClose([0, 0, 0], loss.last_weights.ToDoubles());
    }

    [Fact]
    public void AllEqualLogitsPredictClassZeroSoOtherClassesKeepTheirWeight()
    {
        // A zero-initialised head gives exact ties everywhere; counting them as correct would zero every weight and stall training.
        var input = zeros(new long[] { 2, 3, 2, 2 }, dtype: ScalarType.Float64);
        var target = tensor(new long[] { 0, 1, 2, 1, 0, 0, 2, 255 }, new long[] { 2, 2, 2 });
        using var module = new RecallCrossEntropy(3, ignore_index: 255);
        module.call(input, target);
        Tensors.AllClose([0, 1, 1], module.last_weights.ToDoubles());
        var functionalSum = functional.recall_cross_entropy(input, target, 255, nn.Reduction.Sum).Scalar();
        Assert.Equal(4 * Math.Log(3), functionalSum, 12);
    }

    [Fact]
    public void ModuleAndFunctionalAgreeOnRandomTiesAcrossShapeChanges()
    {
        using var module = new RecallCrossEntropy(4, ignore_index: 255);
        foreach (var shape in new[] { new long[] { 3, 4, 5, 5 }, new long[] { 2, 4, 3 }, new long[] { 3, 4, 5, 5 } })
        {
            using var scope = NewDisposeScope();
            // Integer-valued logits in {0,1,2} make ties frequent.
            var input = randint(0, 3, shape, dtype: ScalarType.Float64, generator: Support.Seeded.Generator((ulong)shape.Length));
            var target = randint(0, 4, shape.Where((_, i) => i != 1).ToArray(), dtype: ScalarType.Int64, generator: Support.Seeded.Generator(9));
            var (rows, targets) = ReferenceLoss.Flatten(input, target);
            var expected = ReferenceLoss.BatchWeights(rows, targets, 4, 255, 0, 1);
            module.call(input, target);
            Tensors.AllClose(expected, module.last_weights.ToDoubles(), 1e-15);
            var (sum, valid, _) = ReferenceLoss.Weighted(rows, targets, expected, 255);
            Assert.Equal(sum / valid, module.call(input, target).Scalar(), 12);
            Assert.Equal(sum / valid, functional.recall_cross_entropy(input, target, 255).Scalar(), 12);
        }
    }

    [Fact]
    public void EmaUpdatesPresentClassesAndUsesTheUpdatedState()
    {
        var (input, target) = FirstHandCase();
        using var loss = new RecallCrossEntropy(3, ema_alpha: 0.25, ignore_index: Ignore);
        loss.train();
        loss.call(input, target);
        // Batch recall: class 0 = 0.5, class 1 = 1, class 2 = 1 (all present).
        Tensors.AllClose([0.125, 0.25, 0.25], loss.running_recall.ToDoubles());
        Tensors.AllClose([0.875, 0.75, 0.75], loss.last_weights.ToDoubles());

        // Second batch contains only class 0, predicted correctly: classes 1 and 2 keep their state.
        loss.call(Tensors.Logits(new double[,] { { 5, 0, 0 } }), Tensors.Targets(0));
        Tensors.AllClose([0.25 * 1 + 0.75 * 0.125, 0.25, 0.25], loss.running_recall.ToDoubles(), 1e-15);

        // Third batch: class 0 again, R̄_0 = 0.25·1 + 0.75·0.34375 = 0.5078125, and the loss uses the updated state.
        var value = loss.call(Tensors.Logits(new double[,] { { 5, 0, 0 } }), Tensors.Targets(0));
        Assert.Equal(0.5078125, loss.running_recall.ToDoubles()[0], 15);
        Assert.Equal((1 - 0.5078125) * ReferenceLoss.CrossEntropy([5, 0, 0], 0), value.Scalar(), 12);
    }

    [Fact]
    public void EmaStateIsReadNotUpdatedInEvalMode()
    {
        var (input, target) = FirstHandCase();
        using var loss = new RecallCrossEntropy(3, ema_alpha: 0.5, ignore_index: Ignore);
        loss.call(input, target);
        var before = loss.running_recall.ToDoubles();
        loss.eval();
        var value = loss.call(SecondHandCase().input, SecondHandCase().target);
        Tensors.AllClose(before, loss.running_recall.ToDoubles(), 0);
        Tensors.AllClose(before.Select(r => 1 - r).ToArray(), loss.last_weights.ToDoubles());
        Assert.True(value.Scalar() > 0);
    }

    [Fact]
    public void EmaWithAlphaOneEqualsBatchModeForPresentClasses()
    {
        var (input, target) = Tensors.Random([4, 5, 3, 3], Ignore, 0.2, seed: 21);
        using var ema = new RecallCrossEntropy(5, ema_alpha: 1.0, ignore_index: Ignore);
        using var batch = new RecallCrossEntropy(5, ignore_index: Ignore);
        ema.call(Tensors.Random([4, 5, 3, 3], Ignore, 0.2, seed: 99).input, Tensors.Random([4, 5, 3, 3], Ignore, 0.2, seed: 99).target);
        Assert.Equal(batch.call(input, target).Scalar(), ema.call(input, target).Scalar(), 14);
    }

    [Fact]
    public void RunningRecallIsInTheStateDictAndRoundTrips()
    {
        var (input, target) = FirstHandCase();
        using var trained = new RecallCrossEntropy(3, ema_alpha: 0.3, ignore_index: Ignore);
        trained.call(input, target);
        var state = trained.state_dict();
        Assert.Contains("running_recall", state.Keys);
        Assert.DoesNotContain("last_weights", state.Keys);

        var path = Path.Combine(Path.GetTempPath(), $"recallkit-state-{Guid.NewGuid():N}.bin");
        try
        {
            trained.save(path);
            using var restored = new RecallCrossEntropy(3, ema_alpha: 0.3, ignore_index: Ignore);
            restored.load(path);
            Tensors.AllClose(trained.running_recall.ToDoubles(), restored.running_recall.ToDoubles(), 0);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void WeightsAreConstantsForAutograd()
    {
        var (input, target) = FirstHandCase();
        functional.recall_cross_entropy(input, target, Ignore).backward();
        var expected = new double[15];
        var (rows, targets) = ReferenceLoss.Flatten(input, target);
        var w = new[] { 0.5, 0, 0 };
        for (int p = 0; p < 4; p++)
        {
            var max = rows[p].Max();
            var z = rows[p].Sum(v => Math.Exp(v - max));
            for (int c = 0; c < 3; c++)
                expected[p * 3 + c] = w[targets[p]] * (Math.Exp(rows[p][c] - max) / z - (c == targets[p] ? 1 : 0)) / 4;
        }
        Tensors.AllClose(expected, input.grad!.ToDoubles(), 1e-12);
    }

    [Fact]
    public void CountReducerSeesFlatCountsAndItsResultDrivesTheWeights()
    {
        var (a, ta) = Tensors.Random([3, 4, 5], Ignore, 0.2, seed: 5);
        var (b, tb) = Tensors.Random([2, 4, 5], Ignore, 0.2, seed: 6);
        // Counts of "another worker" (batch b), obtained from a reducer that captures them.
        Tensor? otherCounts = null;
        functional.recall_cross_entropy(b, tb, Ignore, count_reducer: counts => otherCounts = counts.clone().DetachFromDisposeScope());
        Assert.Equal(new long[] { 8 }, otherCounts!.shape);

        using var loss = new RecallCrossEntropy(4, ignore_index: Ignore, count_reducer: counts => counts.add(otherCounts, Scalars.One));
        loss.call(a, ta);
        using var global = new RecallCrossEntropy(4, ignore_index: Ignore);
        global.call(cat([a, b]), cat([ta, tb]));
        Tensors.AllClose(global.last_weights.ToDoubles(), loss.last_weights.ToDoubles(), 1e-15);
    }

    [Fact]
    public void CountReducerThatChangesTheShapeIsAnError()
    {
        var (input, target) = FirstHandCase();
        var e = Assert.Throws<InvalidOperationException>(() =>
            functional.recall_cross_entropy(input, target, Ignore, count_reducer: c => c.narrow(0, 0, 2)));
        Assert.Contains("[6]", e.Message);
    }
}
