using RecallKit.Tests.Support;
using RecallKit.Vision.Inference;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Inference;

[Collection(nameof(GlobalTorchState))]
public class FlipAugmentationTests
{
    [Fact]
    public void AFlipSymmetricModelGivesItsPlainLogits()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var model = new FixedConvolution(new float[,] { { 1, 2, 1 }, { 0.5f, -3, 0.5f }, { 2, 0, 2 } }); // mirror-symmetric rows
        var images = randn(2, 1, 7, 9, generator: Support.Seeded.Generator(3));
        Assert.True(model.call(images).allclose(FlipAugmentation.Logits(model.call, images), rtol: 1e-6, atol: 1e-6));
    }

    [Fact]
    public void AnAsymmetricModelIsAveragedWithItsMirror()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var shiftRight = new FixedConvolution(new float[,] { { 1, 0, 0 } }); // out[x] = in[x − 1], 0 at the left border
        var row = tensor(new float[] { 1, 2, 3, 4 }).reshape(1, 1, 1, 4);
        // plain [0, 1, 2, 3]; mirrored it shifts left: [2, 3, 4, 0]
        Assert.Equal([1f, 2f, 3f, 1.5f], FlipAugmentation.Logits(shiftRight.call, row).data<float>().ToArray());
    }

    [Fact]
    public void TheWrapperCombinesWindowsAndFlip()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var shiftRight = new FixedConvolution(new float[,] { { 1, 0, 0 } });
        var settings = new InferenceSettings(new SlidingWindow(new WindowSize(2, 1), new WindowSize(2, 1)), Flip: true);
        using var wrapped = new TestTimeSegmentation(shiftRight, settings);
        var row = tensor(new float[] { 1, 2, 3, 4 }).reshape(1, 1, 1, 4);
        // windows [1,2] and [3,4]: plain [0,1 | 0,3], mirrored [2,0 | 4,0]; mean [1, 0.5, 2, 1.5]
        Assert.Equal([1f, 0.5f, 2f, 1.5f], wrapped.call(row).data<float>().ToArray());
        Assert.Equal("sliding window 2x1 stride 2x1, flip", settings.Describe());
    }
}
