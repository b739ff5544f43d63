using static TorchSharp.torch;

namespace RecallKit.Vision.Models.Classification;

/// <summary>A torchvision ResNet without its fc layer (output stride 32, global average pooling); ImageNet weights load into <see cref="Trunk"/>.</summary>
public sealed class ResNetFeatures : FeatureExtractor
{
    private readonly ResNetBackbone trunk;

    /// <param name="depth">ResNet depth.</param>
    /// <param name="in_channels">Image channels.</param>
    public ResNetFeatures(ResNetDepth depth, int in_channels = 3) : base(nameof(ResNetFeatures))
    {
        trunk = new ResNetBackbone(depth, output_stride: 32, in_channels: in_channels);
        RegisterComponents();
    }

    /// <summary>The ResNet with torchvision's parameter names.</summary>
    public ResNetBackbone Trunk => trunk;

    /// <inheritdoc />
    public override long FeatureDim => trunk.HighChannels;

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => trunk.call(input).high.mean([2, 3]);
}
