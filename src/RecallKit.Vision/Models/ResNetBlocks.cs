using RecallKit.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RecallKit.Vision.Models;

/// <summary>ResNet basic block (ResNet-18/34) with dilation support; parameter names as torchvision.</summary>
internal sealed class BasicBlock : nn.Module<Tensor, Tensor>
{
    public const int Expansion = 1;
    private readonly Conv2d conv1;
    private readonly SynchronizedBatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly SynchronizedBatchNorm2d bn2;
    private readonly ProjectionShortcut? downsample;

    public BasicBlock(long inplanes, long planes, long stride, long dilation, long previous_dilation, ProjectionShortcut? downsample) : base(nameof(BasicBlock))
    {
        // torchvision: the first conv uses the block's dilation, the second the same; we follow torchvision's
        // _make_layer, which passes previous_dilation to the first block of a dilated layer.
        conv1 = nn.Conv2d(inplanes, planes, 3, stride: stride, padding: previous_dilation, dilation: previous_dilation, bias: false);
        bn1 = new SynchronizedBatchNorm2d(planes);
        conv2 = nn.Conv2d(planes, planes, 3, padding: dilation, dilation: dilation, bias: false);
        bn2 = new SynchronizedBatchNorm2d(planes);
        this.downsample = downsample;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var identity = downsample is null ? x : downsample.call(x);
        // In place, as torchvision: a batch norm's backward reads its input, not its output, so its output is free to
        // overwrite (one activation-sized buffer fewer per ReLU and per sum).
        var y = nn.functional.relu(bn1.call(ComputePrecision.Convolve(conv1, x)), inplace: true);
        y = bn2.call(ComputePrecision.Convolve(conv2, y));
        return nn.functional.relu(y.add_(identity, Scalars.One), inplace: true);
    }
}

/// <summary>ResNet bottleneck block (ResNet-50/101/152) with dilation support; parameter names as torchvision.</summary>
internal sealed class Bottleneck : nn.Module<Tensor, Tensor>
{
    public const int Expansion = 4;
    private readonly Conv2d conv1;
    private readonly SynchronizedBatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly SynchronizedBatchNorm2d bn2;
    private readonly Conv2d conv3;
    private readonly SynchronizedBatchNorm2d bn3;
    private readonly ProjectionShortcut? downsample;

    public Bottleneck(long inplanes, long planes, long stride, long dilation, ProjectionShortcut? downsample) : base(nameof(Bottleneck))
    {
        conv1 = nn.Conv2d(inplanes, planes, 1, bias: false);
        bn1 = new SynchronizedBatchNorm2d(planes);
        conv2 = nn.Conv2d(planes, planes, 3, stride: stride, padding: dilation, dilation: dilation, bias: false);
        bn2 = new SynchronizedBatchNorm2d(planes);
        conv3 = nn.Conv2d(planes, planes * Expansion, 1, bias: false);
        bn3 = new SynchronizedBatchNorm2d(planes * Expansion);
        this.downsample = downsample;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var identity = downsample is null ? x : downsample.call(x);
        var y = nn.functional.relu(bn1.call(ComputePrecision.Convolve(conv1, x)), inplace: true);
        y = nn.functional.relu(bn2.call(ComputePrecision.Convolve(conv2, y)), inplace: true);
        y = bn3.call(ComputePrecision.Convolve(conv3, y));
        return nn.functional.relu(y.add_(identity, Scalars.One), inplace: true);
    }
}
