using RecallKit.Tests.Support;
using RecallKit.Vision.Inference;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Inference;

[Collection(nameof(GlobalTorchState))]
public class SlidingWindowTests
{
    private static Tensor Row(params float[] values) => tensor(values).reshape(1, 1, 1, values.Length);

    [Fact]
    public void OverlappingWindowsAverageTheirLogits()
    {
        using var scope = NewDisposeScope();
        using var model = new WindowMean();
        // width 4, window 2, stride 1: windows [0,2) [1,3) [2,4) with means 1.5, 2.5, 3.5
        var logits = new SlidingWindow(new WindowSize(2, 1), new WindowSize(1, 1)).Logits(model.call, Row(1, 2, 3, 4));
        Assert.Equal([1.5f, 2f, 3f, 3.5f], logits.data<float>().ToArray());
    }

    [Fact]
    public void TheLastWindowIsShiftedInsideTheImage()
    {
        Assert.Equal([(0L, 2L), (2L, 4L), (3L, 5L)], SlidingWindow.Spans(5, 2, 2));
        using var scope = NewDisposeScope();
        using var model = new WindowMean();
        var logits = new SlidingWindow(new WindowSize(2, 1), new WindowSize(2, 1)).Logits(model.call, Row(1, 2, 3, 4, 5));
        Assert.Equal([1.5f, 1.5f, 3.5f, 4f, 4.5f], logits.data<float>().ToArray()); // pixel 3 is in [2,4) and [3,5)
    }

    [Fact]
    public void AnImageSmallerThanTheWindowRunsWhole()
    {
        Assert.Equal([(0L, 3L)], SlidingWindow.Spans(3, 8, 4));
        using var scope = NewDisposeScope();
        using var model = new WindowMean();
        var logits = new SlidingWindow(new WindowSize(8, 8), new WindowSize(4, 4)).Logits(model.call, Row(1, 2, 3));
        Assert.Equal([2f, 2f, 2f], logits.data<float>().ToArray());
    }

    [Fact]
    public void AWindowEqualToTheImageIsThePlainForwardPass()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var model = new RecallKit.Vision.Models.LiteSegNet(5, width: 4);
        model.eval();
        var images = randn(2, 3, 24, 16, generator: Support.Seeded.Generator(1));
        var plain = model.call(images);
        var windowed = new SlidingWindow(new WindowSize(16, 24), new WindowSize(16, 24)).Logits(model.call, images);
        // The same computation; libtorch's convolutions are not bit-reproducible from call to call on every CPU (seen once
        // in CI: a last-bit difference), so equal up to float32 rounding.
        Assert.True(plain.allclose(windowed, rtol: 1e-5, atol: 1e-6), $"max |Δ| {(plain - windowed).abs().max().item<float>()}");
    }

    [Fact]
    public void OverlappingWindowsOnAPointwiseModelEqualThePlainForwardPass()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var model = nn.Conv2d(3, 4, 1);
        var images = randn(2, 3, 23, 17, generator: Support.Seeded.Generator(2));
        var plain = model.call(images);
        var windowed = new SlidingWindow(new WindowSize(8, 6), new WindowSize(5, 4)).Logits(model.call, images);
        Assert.True(plain.allclose(windowed, rtol: 1e-6, atol: 1e-6));
    }

    [Fact]
    public void AStrideLargerThanTheWindowIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => new SlidingWindow(new WindowSize(8, 8), new WindowSize(9, 4)));
        Assert.Contains("--stride 9x4 is larger than --window 8x8", e.Message);
    }

    [Theory]
    [InlineData("512x256", 512, 256)]
    [InlineData("64X64", 64, 64)]
    [InlineData(" 3×5 ", 3, 5)]
    public void WindowSizesParse(string text, int width, int height) =>
        Assert.Equal(new WindowSize(width, height), WindowSize.Parse(text, "--window"));

    [Theory]
    [InlineData("512")]
    [InlineData("0x4")]
    [InlineData("4x-1")]
    [InlineData("axb")]
    [InlineData("4x4x4")]
    [InlineData("")]
    public void BadWindowSizesAreAClearError(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => WindowSize.Parse(text, "--window"));
        Assert.Equal($"--window '{text}' is not WIDTHxHEIGHT with positive whole numbers of pixels (e.g. 512x512).", e.Message);
    }
}
