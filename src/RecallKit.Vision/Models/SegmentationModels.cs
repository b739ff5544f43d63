using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Vision.Models;

/// <summary>Creates the network a config names.</summary>
public static class SegmentationModels
{
    /// <summary>A new, randomly initialised network for <paramref name="num_classes"/> classes.</summary>
    public static nn.Module<Tensor, Tensor> Create(Architecture architecture, int num_classes, int output_stride = 16) => architecture switch
    {
        Architecture.LiteSeg => new LiteSegNet(num_classes),
        Architecture.DeepLabV3PlusResNet18 => new DeepLabV3Plus(num_classes, ResNetDepth.ResNet18, output_stride),
        Architecture.DeepLabV3PlusResNet34 => new DeepLabV3Plus(num_classes, ResNetDepth.ResNet34, output_stride),
        Architecture.DeepLabV3PlusResNet50 => new DeepLabV3Plus(num_classes, ResNetDepth.ResNet50, output_stride),
        Architecture.DeepLabV3PlusResNet101 => new DeepLabV3Plus(num_classes, ResNetDepth.ResNet101, output_stride),
        _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture, "unknown architecture."),
    };
}
