using RecallKit.Tests.Support;
using RecallKit.Vision.Data;
using RecallKit.Vision.Training;
using static TorchSharp.torch;

namespace RecallKit.Tests.Training;

public class BatchTensorsTests
{
    [Fact]
    public void SegmentationBatchBecomesImagesAndPerPixelLabelsWithTheBatchValues()
    {
        var images = Enumerable.Range(0, 2 * 3 * 2 * 4).Select(i => i * 0.5f).ToArray();
        var labels = Enumerable.Range(0, 2 * 2 * 4).Select(i => (long)(i % 5)).ToArray();
        using var scope = NewDisposeScope();
        var (x, y) = BatchTensors.From(new ImageBatch(images, labels, 2, 2, 4, ["a", "b"]), CPU);
        Assert.Equal(new long[] { 2, 3, 2, 4 }, x.shape);
        Assert.Equal(ScalarType.Float32, x.dtype);
        Assert.Equal(new long[] { 2, 2, 4 }, y.shape);
        Assert.Equal(ScalarType.Int64, y.dtype);
        Assert.Equal(images, x.data<float>().ToArray());
        Assert.Equal(labels, y.data<long>().ToArray());
        images[0] = 99; // the tensors own their data: a later change of the batch's arrays does not show
        Assert.Equal(0f, x.data<float>()[0]);
    }

    [Fact]
    public void ClassificationBatchHasOneLabelPerImage()
    {
        using var scope = NewDisposeScope();
        var (x, y) = BatchTensors.From(new ImageBatch(new float[2 * 1 * 3 * 3], [4, 1], 2, 3, 3, ["a", "b"], Channels: 1, ImageLabels: true), CPU);
        Assert.Equal(new long[] { 2, 1, 3, 3 }, x.shape);
        Assert.Equal(new long[] { 4, 1 }, y.data<long>().ToArray());
    }

    [Fact]
    public void ArraysThatDoNotMatchTheShapeAreRefusedSayingWhich()
    {
        var batch = new ImageBatch(new float[2 * 3 * 2 * 2], new long[7], 2, 2, 2, ["a", "b"]);
        var error = Assert.Throws<ArgumentException>(() => BatchTensors.From(batch, CPU));
        Assert.Contains("labels hold 7 values", error.Message);
        Assert.Contains("[2,2,2] needs 8", error.Message);
    }
}
