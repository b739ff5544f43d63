using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RecallKit.Vision.Models.Classification;

/// <summary>
/// The CIFAR ResNet of He et al. used by Cao et al. (LDAM-DRW) for CIFAR-LT: a 3×3 stem with 16 channels, three stages of
/// <c>n</c> basic blocks (16, 32, 64 channels; stride 1, 2, 2) and global pooling; ResNet-32 has n = 5 (0.46 M parameters).
/// Shortcuts that change shape are 1×1 projections (option B) instead of the zero-padding option A.
/// </summary>
public sealed class CifarResNet : FeatureExtractor
{
    private readonly Conv2d conv1;
    private readonly SynchronizedBatchNorm2d bn1;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;

    /// <param name="blocks_per_stage">n (5 for ResNet-32: 6n + 2 layers).</param>
    /// <param name="in_channels">Image channels.</param>
    public CifarResNet(int blocks_per_stage = 5, int in_channels = 3) : base(nameof(CifarResNet))
    {
        conv1 = nn.Conv2d(in_channels, 16, 3, padding: 1, bias: false);
        bn1 = new SynchronizedBatchNorm2d(16);
        layer1 = Stage(16, 16, blocks_per_stage, 1);
        layer2 = Stage(16, 32, blocks_per_stage, 2);
        layer3 = Stage(32, 64, blocks_per_stage, 2);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override long FeatureDim => 64;

    private static Sequential Stage(long inplanes, long planes, int count, long stride)
    {
        var blocks = new List<nn.Module<Tensor, Tensor>>
        {
            new BasicBlock(inplanes, planes, stride, 1, 1, stride != 1 || inplanes != planes ? new ProjectionShortcut(inplanes, planes, stride) : null),
        };
        for (int i = 1; i < count; i++) blocks.Add(new BasicBlock(planes, planes, 1, 1, 1, null));
        return nn.Sequential(blocks);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var x = nn.functional.relu(bn1.call(ComputePrecision.Convolve(conv1, input)));
        return layer3.call(layer2.call(layer1.call(x))).mean([2, 3]);
    }
}
