using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RecallKit.Vision.Models;

/// <summary>ResNet depths.</summary>
public enum ResNetDepth
{
    /// <summary>ResNet-10 (basic blocks 1-1-1-1; Kang et al. 2020 use it for ImageNet-LT and Places-LT ablations).</summary>
    ResNet10,
    /// <summary>ResNet-18 (basic blocks 2-2-2-2).</summary>
    ResNet18,
    /// <summary>ResNet-34 (basic blocks 3-4-6-3).</summary>
    ResNet34,
    /// <summary>ResNet-50 (bottlenecks 3-4-6-3).</summary>
    ResNet50,
    /// <summary>ResNet-101 (bottlenecks 3-4-23-3).</summary>
    ResNet101,
    /// <summary>ResNet-152 (bottlenecks 3-8-36-3).</summary>
    ResNet152,
}

/// <summary>
/// A ResNet trunk (no pooling or fc) with torchvision's parameter names, so ImageNet weights of torchvision load, and
/// torchvision's <c>replace_stride_with_dilation</c> semantics for output stride 16 (layer4 dilated) or 8 (layers 3 and 4) —
/// also for basic blocks, which torchvision refuses to dilate. Returns layer1 (stride 4) and layer4 features.
/// </summary>
public sealed class ResNetBackbone : nn.Module<Tensor, (Tensor low, Tensor high)>
{
    private readonly Conv2d conv1;
    private readonly SynchronizedBatchNorm2d bn1;
    private readonly MaxPool2d maxpool;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;
    private long inplanes = 64;
    private long dilation = 1;

    /// <param name="depth">ResNet depth.</param>
    /// <param name="output_stride">8, 16 or 32 (no dilation).</param>
    /// <param name="in_channels">Image channels (3 for RGB; ImageNet weights of conv1 only fit 3).</param>
    public ResNetBackbone(ResNetDepth depth, int output_stride = 16, int in_channels = 3) : base(nameof(ResNetBackbone))
    {
        if (output_stride is not (8 or 16 or 32))
            throw new ArgumentOutOfRangeException(nameof(output_stride), output_stride, "output_stride must be 8, 16 or 32.");
        var (bottleneck, blocks) = depth switch
        {
            ResNetDepth.ResNet10 => (false, new[] { 1, 1, 1, 1 }),
            ResNetDepth.ResNet18 => (false, new[] { 2, 2, 2, 2 }),
            ResNetDepth.ResNet34 => (false, new[] { 3, 4, 6, 3 }),
            ResNetDepth.ResNet50 => (true, new[] { 3, 4, 6, 3 }),
            ResNetDepth.ResNet101 => (true, new[] { 3, 4, 23, 3 }),
            ResNetDepth.ResNet152 => (true, new[] { 3, 8, 36, 3 }),
            _ => throw new ArgumentOutOfRangeException(nameof(depth), depth, "unknown ResNet depth."),
        };
        Bottlenecked = bottleneck;
        conv1 = nn.Conv2d(in_channels, 64, 7, stride: 2, padding: 3, bias: false);
        bn1 = new SynchronizedBatchNorm2d(64);
        maxpool = nn.MaxPool2d(3, stride: 2, padding: 1);
        layer1 = Layer(64, blocks[0], 1, false);
        layer2 = Layer(128, blocks[1], 2, false);
        layer3 = Layer(256, blocks[2], 2, output_stride == 8);
        layer4 = Layer(512, blocks[3], 2, output_stride <= 16);
        RegisterComponents();
    }

    /// <summary>Whether the blocks are bottlenecks (×4 channels).</summary>
    public bool Bottlenecked { get; }

    /// <summary>Channels of the layer1 features.</summary>
    public long LowChannels => Bottlenecked ? 256 : 64;

    /// <summary>Channels of the layer4 features.</summary>
    public long HighChannels => Bottlenecked ? 2048 : 512;

    /// <summary>Channels of the layer3 features (what an auxiliary head reads).</summary>
    public long Layer3Channels => Bottlenecked ? 1024 : 256;

    private Sequential Layer(long planes, int count, long stride, bool dilate)
    {
        long previous = dilation;
        if (dilate)
        {
            dilation *= stride;
            stride = 1;
        }
        int expansion = Bottlenecked ? Bottleneck.Expansion : BasicBlock.Expansion;
        ProjectionShortcut? downsample = null;
        if (stride != 1 || inplanes != planes * expansion)
            downsample = new ProjectionShortcut(inplanes, planes * expansion, stride);
        var layers = new List<nn.Module<Tensor, Tensor>>
        {
            Bottlenecked ? new Bottleneck(inplanes, planes, stride, previous, downsample) : new BasicBlock(inplanes, planes, stride, dilation, previous, downsample),
        };
        inplanes = planes * expansion;
        for (int i = 1; i < count; i++)
            layers.Add(Bottlenecked ? new Bottleneck(inplanes, planes, 1, dilation, null) : new BasicBlock(inplanes, planes, 1, dilation, dilation, null));
        return nn.Sequential(layers);
    }

    /// <inheritdoc />
    public override (Tensor low, Tensor high) forward(Tensor input)
    {
        var (low, _, high) = Features(input);
        return (low, high);
    }

    /// <summary>layer1, layer3 and layer4 features (layer3 feeds an auxiliary head during training).</summary>
    public (Tensor low, Tensor layer3, Tensor high) Features(Tensor input)
    {
        var x = MaxPool.Pool(nn.functional.relu(bn1.call(ComputePrecision.Convolve(conv1, input)), inplace: true), maxpool);
        var low = layer1.call(x);
        var mid = layer3.call(layer2.call(low));
        return (low, mid, layer4.call(mid));
    }
}
