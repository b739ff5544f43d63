using RecallKit.Metrics;
using RecallKit.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Metrics;

public class ConfusionMatrixTests
{
    // Ground truth / prediction pairs over 4 classes, 255 ignored:
    // class 0: gt 3 (pred 0,0,1); class 1: gt 2 (pred 1,1); class 2: absent from gt, predicted once; class 3: absent everywhere.
    private static readonly long[] Gt = [0, 0, 0, 1, 1, 255, 1];
    private static readonly long[] Pred = [0, 0, 1, 1, 1, 3, 2];

    private static ConfusionMatrix Filled()
    {
        var m = new ConfusionMatrix(4, ignore_index: 255);
        m.update(tensor(Pred), tensor(Gt));
        return m;
    }

    [Fact]
    public void AccumulatesGroundTruthRowsAndPredictionColumnsSkippingIgnored()
    {
        using var m = Filled();
        var h = m.Matrix;
        Assert.Equal(2, h[0, 0]);
        Assert.Equal(1, h[0, 1]);
        Assert.Equal(2, h[1, 1]);
        Assert.Equal(1, h[1, 2]);
        long total = 0;
        foreach (var v in h) total += v;
        Assert.Equal(6, total);
    }

    [Fact]
    public void ComputesHandCheckedMetricsWithNaNConventions()
    {
        using var m = Filled();
        var r = m.compute();
        Assert.Equal(4.0 / 6, r.OverallAccuracy, 12);
        // Accuracy (recall): NaN for classes absent from gt.
        Assert.Equal(2.0 / 3, r.ClassAccuracy[0], 12);
        Assert.Equal(2.0 / 3, r.ClassAccuracy[1], 12);
        Assert.True(double.IsNaN(r.ClassAccuracy[2]));
        Assert.True(double.IsNaN(r.ClassAccuracy[3]));
        // Precision: NaN for classes never predicted.
        Assert.Equal(1.0, r.ClassPrecision[0], 12);
        Assert.Equal(2.0 / 3, r.ClassPrecision[1], 12);
        Assert.Equal(0.0, r.ClassPrecision[2], 12);
        Assert.True(double.IsNaN(r.ClassPrecision[3]));
        // IoU: predicted-but-absent class 2 has IoU 0 and counts; class 3 (absent from both) is NaN.
        Assert.Equal(2.0 / 3, r.ClassIoU[0], 12);
        Assert.Equal(2.0 / 4, r.ClassIoU[1], 12);
        Assert.Equal(0.0, r.ClassIoU[2], 12);
        Assert.True(double.IsNaN(r.ClassIoU[3]));
        Assert.Equal(2.0 / 3, r.MeanAccuracy, 12);
        Assert.Equal((1 + 2.0 / 3 + 0) / 3, r.MeanPrecision, 12);
        Assert.Equal((2.0 / 3 + 0.5 + 0) / 3, r.MeanIoU, 12);
        Assert.Equal(3.0 / 6 * 2.0 / 3 + 3.0 / 6 * 0.5, r.FrequencyWeightedIoU, 12);
        Assert.Equal([3L, 3L, 0L, 0L], r.GroundTruthCounts);
    }

    [Fact]
    public void EqualsAMatrixBuiltByHandOnRandomMultiDimensionalInput()
    {
        var g = new Generator(3);
        var gt = randint(0, 5, new long[] { 2, 7, 9 }, dtype: ScalarType.Int64, generator: g);
        using Scalar fraction = 0.2.ToScalar(), ignore = 255.ToScalar();
        gt = gt.masked_fill(rand(new long[] { 2, 7, 9 }, generator: g).lt(fraction), ignore);
        var pred = randint(0, 5, new long[] { 2, 7, 9 }, dtype: ScalarType.Int64, generator: g);
        using var m = new ConfusionMatrix(5, 255);
        m.update(pred.narrow(0, 0, 1), gt.narrow(0, 0, 1));
        m.update(pred.narrow(0, 1, 1), gt.narrow(0, 1, 1));
        var expected = new long[5, 5];
        var gts = gt.flatten().data<long>().ToArray();
        var preds = pred.flatten().data<long>().ToArray();
        for (int i = 0; i < gts.Length; i++)
            if (gts[i] != 255) expected[gts[i], preds[i]]++;
        Assert.Equal(expected, m.Matrix);
    }

    [Fact]
    public void MergeAddsAndResetClears()
    {
        using var a = Filled();
        using var b = Filled();
        a.merge(b);
        Assert.Equal(4, a.Matrix[0, 0]);
        Assert.Equal(4.0 / 6, a.compute().OverallAccuracy, 12);
        a.reset();
        Assert.All(a.Matrix.Cast<long>(), v => Assert.Equal(0, v));
        Assert.True(double.IsNaN(a.compute().MeanIoU));
        using var other = new ConfusionMatrix(3);
        Assert.Throws<ArgumentException>(() => a.merge(other));
    }

    [Theory]
    [InlineData(4L)]
    [InlineData(-1L)]
    public void PredictionOutsideRangeIsAnErrorNamingTheValue(long bad)
    {
        using var m = new ConfusionMatrix(4, 255);
        var e = Assert.Throws<ArgumentException>(() => m.update(Tensors.Targets(0, bad), Tensors.Targets(0, 1)));
        Assert.Contains($"class id {bad}", e.Message);
        Assert.All(m.Matrix.Cast<long>(), v => Assert.Equal(0, v));
    }

    [Theory]
    [InlineData(4L)]
    [InlineData(-1L)]
    [InlineData(255L)]
    public void GroundTruthOutsideRangeAndNotIgnoredIsAnErrorAsInTheLosses(long bad)
    {
        // The default ignore_index is −100, as in every loss: a 255 label is then an error in both, never silently skipped.
        using var m = new ConfusionMatrix(4);
        var e = Assert.Throws<ArgumentException>(() => m.update(Tensors.Targets(0, 1), Tensors.Targets(0, bad)));
        Assert.Contains($"ground-truth class id {bad}", e.Message);
        Assert.Contains("ignore_index (-100)", e.Message);
        Assert.All(m.Matrix.Cast<long>(), v => Assert.Equal(0, v));
        using var loss = new RecallKit.Losses.RecallCrossEntropy(4);
        Assert.Equal(loss.ignore_index, m.ignore_index);
        var lossError = Assert.Throws<ArgumentException>(() => loss.call(zeros(2, 4), Tensors.Targets(0, bad)));
        Assert.Contains($"class id {bad}", lossError.Message);
    }

    [Fact]
    public void TheConfiguredIgnoreIndexIsSkippedAndOnlyIt()
    {
        using var m = new ConfusionMatrix(4, ignore_index: 255);
        m.update(Tensors.Targets(0, 2, 3), Tensors.Targets(0, 255, 3));
        Assert.Equal(2, m.Matrix.Cast<long>().Sum());
        Assert.Throws<ArgumentException>(() => m.update(Tensors.Targets(0), Tensors.Targets(-100)));
    }

    [Fact]
    public void PredictionAtIgnoredPositionIsNotChecked()
    {
        using var m = new ConfusionMatrix(4, 255);
        m.update(Tensors.Targets(0, 99), Tensors.Targets(0, 255));
        Assert.Equal(1, m.Matrix[0, 0]);
    }

    [Fact]
    public void ShapeOrDtypeMismatchIsAnError()
    {
        using var m = new ConfusionMatrix(4, 255);
        Assert.Contains("[3]", Assert.Throws<ArgumentException>(() => m.update(Tensors.Targets(0, 1, 2), Tensors.Targets(0, 1))).Message);
        Assert.Contains("argmax", Assert.Throws<ArgumentException>(() => m.update(zeros(2), Tensors.Targets(0, 1))).Message);
    }

    [Theory]
    [InlineData(101L, ShotGroup.Many)]
    [InlineData(100L, ShotGroup.Medium)]
    [InlineData(20L, ShotGroup.Medium)]
    [InlineData(19L, ShotGroup.Few)]
    [InlineData(0L, ShotGroup.Few)]
    public void ShotGroupBoundaries(long count, ShotGroup expected) => Assert.Equal(expected, LongTailAccuracy.GroupOf(count));

    [Fact]
    public void LongTailAccuracyAveragesPerClassAccuracyWithinGroups()
    {
        using var m = Filled();
        var r = m.compute(training_counts: [500, 150, 50, 5]);
        Assert.NotNull(r.LongTail);
        Assert.Equal(2.0 / 3, r.LongTail!.Many, 12); // classes 0 and 1, both 2/3
        Assert.True(double.IsNaN(r.LongTail.Medium)); // class 2 absent from gt
        Assert.True(double.IsNaN(r.LongTail.Few));
        Assert.Equal((2, 1, 1), (r.LongTail.ManyClasses, r.LongTail.MediumClasses, r.LongTail.FewClasses));
        Assert.Throws<ArgumentException>(() => m.compute(training_counts: [1, 2]));
    }
}
