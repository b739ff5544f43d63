using RecallKit.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Vision.Inference;

/// <summary>Horizontal-flip test-time augmentation: the mean of the logits of the image and (flipped back) of its mirror image.</summary>
public static class FlipAugmentation
{
    /// <summary>(f(x) + flip(f(flip(x)))) / 2 for images and logits laid out [N, C, H, W].</summary>
    public static Tensor Logits(Func<Tensor, Tensor> forward, Tensor images)
    {
        using var scope = NewDisposeScope();
        var plain = forward(images);
        var mirrored = forward(images.flip(3)).flip(3);
        return plain.add(mirrored, Scalars.One).div_(Scalars.Two).MoveToOuterDisposeScope();
    }
}
