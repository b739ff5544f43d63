using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RecallKit.Vision.Models;

/// <summary>
/// A ResNet projection shortcut (1×1 convolution with stride, then batch norm) whose children are named "0" and "1" like
/// torchvision's <c>downsample</c> Sequential. The stride is applied by subsampling before a stride-1 convolution — the same
/// function — because libtorch 2.10's CPU backward of a strided 1×1 convolution dies with SIGFPE for some shapes
/// (512→1024 at 8×8, 1024→2048 at 4×4: ResNet-50's layer3/layer4 shortcuts).
/// </summary>
internal sealed class ProjectionShortcut : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly SynchronizedBatchNorm2d bn;
    private readonly long stride;

    public ProjectionShortcut(long input_channels, long output_channels, long stride) : base(nameof(ProjectionShortcut))
    {
        conv = nn.Conv2d(input_channels, output_channels, 1, bias: false);
        bn = new SynchronizedBatchNorm2d(output_channels);
        this.stride = stride;
        register_module("0", conv);
        register_module("1", bn);
    }

    /// <summary>The subsampling step (1: none).</summary>
    public long Stride => stride;

    public override Tensor forward(Tensor x)
    {
        var subsampled = stride == 1 ? x : x[TensorIndex.Ellipsis, TensorIndex.Slice(null, null, stride), TensorIndex.Slice(null, null, stride)];
        return bn.call(ComputePrecision.Convolve(conv, subsampled));
    }
}
