using RecallKit.Losses;
using RecallKit.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Losses;

public class MetricWeightedCrossEntropyTests
{
    private const long Ignore = -100;

    // Predictions (first arg-max): 0, 1, 2, 1, 0, 2 against targets 0, 0, 2, 1, 1, ignore.
    // TP = [1,1,1], FN = [1,1,0], FP = [1,1,0] (the ignored row predicts 2 but does not count).
    private static (Tensor input, Tensor target) Case() => (
        Tensors.Logits(new double[,] { { 2, 1, 0 }, { 0, 2, 1 }, { 1, 0, 3 }, { 0, 1, 0.5 }, { 3, 0, 0 }, { 0, 0, 4 } }),
        Tensors.Targets(0, 0, 2, 1, 1, Ignore));

    public static TheoryData<string, double[]> HandWeights => new()
    {
        { "recall", [0.5, 0.5, 0] },
        { "precision", [0.5, 0.5, 0] },
        { "dice", [0.5, 0.5, 0] },
        { "jaccard", [1 - 1.0 / 3, 1 - 1.0 / 3, 0] },
        { "tversky-0.2-0.8", [0.5, 0.5, 0] },
        { "tversky-0-0", [0, 0, 0] },
    };

    private static RegionMetric Parse(string name) => name switch
    {
        "recall" => RegionMetric.Recall,
        "precision" => RegionMetric.Precision,
        "dice" => RegionMetric.Dice,
        "jaccard" => RegionMetric.Jaccard,
        "tversky-0.2-0.8" => RegionMetric.Tversky(0.2, 0.8),
        "tversky-0-0" => RegionMetric.Tversky(0, 0),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(HandWeights))]
    public void HandComputedWeights(string metric, double[] expected)
    {
        var (input, target) = Case();
        using var loss = new MetricWeightedCrossEntropy(3, Parse(metric));
        var value = loss.call(input, target);
        Tensors.AllClose(expected, loss.last_weights.ToDoubles(), 1e-15);
        var (rows, targets) = ReferenceLoss.Flatten(input, target);
        var (sum, valid, _) = ReferenceLoss.Weighted(rows, targets, expected, Ignore);
        Assert.Equal(sum / valid, value.Scalar(), 12);
    }

    [Fact]
    public void PrecisionDiffersFromRecallWhenFalsePositivesDifferFromFalseNegatives()
    {
        // Predictions 0,0,0,1 for targets 0,1,1,1: class 0 TP 1 FP 2 FN 0; class 1 TP 1 FP 0 FN 2.
        var input = Tensors.Logits(new double[,] { { 3, 0 }, { 3, 0 }, { 3, 0 }, { 0, 3 } });
        var target = Tensors.Targets(0, 1, 1, 1);
        using var precision = new MetricWeightedCrossEntropy(2, RegionMetric.Precision);
        precision.call(input, target);
        Tensors.AllClose([2.0 / 3, 0], precision.last_weights.ToDoubles());
        using var recall = new RecallCrossEntropy(2);
        recall.call(input, target);
        Tensors.AllClose([0, 2.0 / 3], recall.last_weights.ToDoubles());
        using var tversky = new MetricWeightedCrossEntropy(2, RegionMetric.Tversky(0.25, 0.75));
        tversky.call(input, target);
        Tensors.AllClose([1 - 1 / 1.5, 1 - 1 / 2.5], tversky.last_weights.ToDoubles());
    }

    [Fact]
    public void PrecisionOfAClassNeverPredictedIsZeroOverZeroAndGetsWeightZero()
    {
        // Class 2 is in the ground truth but never predicted: precision 0/0.
        var input = Tensors.Logits(new double[,] { { 3, 0, 0 }, { 0, 3, 0 }, { 3, 0, 0 } });
        using var loss = new MetricWeightedCrossEntropy(3, RegionMetric.Precision);
        loss.call(input, Tensors.Targets(0, 1, 2));
        Tensors.AllClose([0.5, 0, 0], loss.last_weights.ToDoubles());
    }

    [Fact]
    public void DiceWeightsAreOneMinusTheirClosedForm()
    {
        // Dice is implemented as Tversky(½, ½), so it is checked against 2TP/(2TP+FP+FN) counted by a plain loop.
        var (input, target) = Tensors.Random([4, 5, 6], Ignore, 0.1, seed: 17);
        var (rows, targets) = ReferenceLoss.Flatten(input, target);
        var (tp, fp, fn) = ReferenceLoss.Counts(rows, targets, 5, Ignore);
        var w = Enumerable.Range(0, 5).Select(c => 2 * tp[c] + fp[c] + fn[c] > 0 ? 1 - 2 * tp[c] / (2 * tp[c] + fp[c] + fn[c]) : 0).ToArray();
        var (sum, valid, _) = ReferenceLoss.Weighted(rows, targets, w, Ignore);
        using var dice = new MetricWeightedCrossEntropy(5, RegionMetric.Dice, ignore_index: Ignore);
        Assert.Equal(sum / valid, dice.call(input, target).Scalar(), 12);
        Tensors.AllClose(w, dice.last_weights.ToDoubles(), 1e-15);
        Assert.Contains(w, v => v > 0.1 && v < 0.9); // not a degenerate case where every weight is 0 or 1
    }

    [Theory]
    [InlineData(1, 1)]   // Jaccard
    [InlineData(0, 1)]   // recall
    [InlineData(1, 0)]   // precision
    [InlineData(0.3, 0.7)]
    public void TverskyMatchesItsClosedFormCountedByALoop(double alpha, double beta)
    {
        var (input, target) = Tensors.Random([4, 5, 6], Ignore, 0.1, seed: 17);
        var (rows, targets) = ReferenceLoss.Flatten(input, target);
        var w = ReferenceLoss.BatchWeights(rows, targets, 5, Ignore, alpha, beta);
        var (sum, valid, _) = ReferenceLoss.Weighted(rows, targets, w, Ignore);
        Assert.Equal(sum / valid, functional.metric_weighted_cross_entropy(input, target, RegionMetric.Tversky(alpha, beta), Ignore).Scalar(), 12);
    }

    [Theory]
    [InlineData("precision")]
    [InlineData("dice")]
    [InlineData("jaccard")]
    public void EveryMemberMatchesReferenceLoopOnRandomNdInput(string name)
    {
        var metric = Parse(name);
        var (input, target) = Tensors.Random([2, 4, 3, 5], Ignore, 0.2, seed: name.Length);
        var (rows, targets) = ReferenceLoss.Flatten(input, target);
        var w = ReferenceLoss.BatchWeights(rows, targets, 4, Ignore, metric.Alpha, metric.Beta);
        var (sum, valid, _) = ReferenceLoss.Weighted(rows, targets, w, Ignore);
        Assert.Equal(sum / valid, functional.metric_weighted_cross_entropy(input, target, metric, Ignore).Scalar(), 12);
        FiniteDifferences.Check(x => functional.metric_weighted_cross_entropy(x, target, metric, Ignore), input);
    }

    [Fact]
    public void EmaBufferIsNamedAfterTheMetric()
    {
        using var loss = new MetricWeightedCrossEntropy(3, RegionMetric.Precision, ema_alpha: 0.1);
        Assert.Contains("running_precision", loss.state_dict().Keys);
    }

    [Fact]
    public void EmaOfPrecisionOnlyUpdatesClassesWhosePrecisionIsDefined()
    {
        var input = Tensors.Logits(new double[,] { { 3, 0, 0 }, { 0, 3, 0 }, { 3, 0, 0 } });
        using var loss = new MetricWeightedCrossEntropy(3, RegionMetric.Precision, ema_alpha: 0.5);
        loss.call(input, Tensors.Targets(0, 1, 2));
        Tensors.AllClose([0.25, 0.5, 0], loss.running_metric.ToDoubles());
        Tensors.AllClose([0.75, 0.5, 1], loss.last_weights.ToDoubles());
    }
}
