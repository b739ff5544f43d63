using RecallKit.Vision.Data;
using RecallKit.Vision.Data.Prefetch;

namespace RecallKit.Tests.Data;

/// <summary>A batch sent by a data worker arrives bit-identical, its labels in the fewest bytes that hold them exactly.</summary>
public sealed class BatchWireTests
{
    private static ImageBatch Batch(long[] labels) =>
        new(Enumerable.Range(0, 2 * 3 * 4 * 5).Select(i => i * 0.37f - 9f).ToArray(), labels, 2, 4, 5, ["a.png", "b.png"]);

    private static (ImageBatch batch, long bytes) RoundTrip(ImageBatch batch)
    {
        using var pipe = new MemoryStream();
        using (var writer = new BinaryWriter(pipe, System.Text.Encoding.UTF8, leaveOpen: true)) BatchWire.WriteBatch(writer, batch);
        long bytes = pipe.Length;
        pipe.Position = 0;
        var record = BatchWire.Read(new BinaryReader(pipe));
        Assert.Equal(BatchWire.Kind.Batch, record.Kind);
        Assert.Equal(bytes, pipe.Position);
        return (record.Batch!, bytes);
    }

    private static void AssertSame(ImageBatch expected, ImageBatch actual)
    {
        Assert.Equal((expected.Count, expected.Height, expected.Width, expected.Channels, expected.ImageLabels), (actual.Count, actual.Height, actual.Width, actual.Channels, actual.ImageLabels));
        Assert.Equal(expected.Ids, actual.Ids);
        Assert.Equal(System.Runtime.InteropServices.MemoryMarshal.AsBytes(expected.Images.AsSpan()).ToArray(), System.Runtime.InteropServices.MemoryMarshal.AsBytes(actual.Images.AsSpan()).ToArray());
        Assert.Equal(expected.Labels, actual.Labels);
    }

    [Fact]
    public void LabelsFromZeroTo255TravelAsOneBytePerPixelAndArriveAsTheSameInt64s()
    {
        var labels = Enumerable.Range(0, 2 * 4 * 5).Select(i => (long)(i % 7 == 0 ? 255 : i % 19)).ToArray();
        var batch = Batch(labels);
        var (received, bytes) = RoundTrip(batch);
        AssertSame(batch, received);
        var (wide, wideBytes) = RoundTrip(Batch(labels.Select(l => l == 255 ? -100L : l).ToArray()));
        Assert.Equal(-100, wide.Labels[0]);
        Assert.Equal(labels.Length, wideBytes - bytes); // int16 costs one byte more per label than bytes
    }

    [Fact]
    public void NegativeAndWideLabelsTravelAsInt16AndLargerOnesAreRefusedBeforeAnyByteIsWritten()
    {
        var batch = Batch(Enumerable.Range(0, 2 * 4 * 5).Select(i => (long)(i * 700 - 1)).ToArray());
        AssertSame(batch, RoundTrip(batch).batch);
        var tooWide = Batch(Enumerable.Range(0, 2 * 4 * 5).Select(i => i == 33 ? 40_000L : i).ToArray());
        using var pipe = new MemoryStream();
        using var writer = new BinaryWriter(pipe);
        var e = Assert.Throws<InvalidDataException>(() => BatchWire.WriteBatch(writer, tooWide));
        Assert.Contains("40000", e.Message);
        Assert.Equal(0, pipe.Length);
    }

    [Fact]
    public void LabelsLongerThanOneChunkArriveWhole()
    {
        var labels = Enumerable.Range(0, 3 * 70_001).Select(i => (long)(i * 31 % 256)).ToArray();
        var batch = new ImageBatch(new float[3 * 70_001], labels, 3, 1, 70_001, ["x", "y", "z"], Channels: 1);
        AssertSame(batch, RoundTrip(batch).batch);
        var shorts = batch with { Labels = labels.Select(l => l - 128).ToArray() };
        AssertSame(shorts, RoundTrip(shorts).batch);
    }
}
