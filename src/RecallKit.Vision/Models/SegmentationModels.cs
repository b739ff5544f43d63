using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Vision.Models;

/// <summary>Creates the segmentation networks.</summary>
public static class SegmentationModels
{
    /// <summary>Whether <paramref name="architecture"/> is a segmentation network (built here).</summary>
    public static bool Builds(Architecture architecture) =>
        architecture is Architecture.LiteSeg or Architecture.DeepLabV3PlusResNet18 or Architecture.DeepLabV3PlusResNet34
            or Architecture.DeepLabV3PlusResNet50 or Architecture.DeepLabV3PlusResNet101;

    /// <summary>A new, randomly initialised network for <paramref name="num_classes"/> classes.</summary>
    /// <param name="architecture">Which network.</param>
    /// <param name="num_classes">Output classes.</param>
    /// <param name="output_stride">DeepLabV3+: 8 or 16.</param>
    /// <param name="auxiliary_head">DeepLabV3+: add the auxiliary FCN head on layer3 (<c>model.aux_head</c>).</param>
    public static nn.Module<Tensor, Tensor> Create(Architecture architecture, int num_classes, int output_stride = 16, bool auxiliary_head = false) => architecture switch
    {
        Architecture.LiteSeg when auxiliary_head => throw new ArgumentException("model.aux_head needs a deeplabv3plus_* architecture (lite_seg has no ResNet layer3)."),
        Architecture.LiteSeg => new LiteSegNet(num_classes),
        Architecture.DeepLabV3PlusResNet18 => new DeepLabV3Plus(num_classes, ResNetDepth.ResNet18, output_stride, auxiliary_head),
        Architecture.DeepLabV3PlusResNet34 => new DeepLabV3Plus(num_classes, ResNetDepth.ResNet34, output_stride, auxiliary_head),
        Architecture.DeepLabV3PlusResNet50 => new DeepLabV3Plus(num_classes, ResNetDepth.ResNet50, output_stride, auxiliary_head),
        Architecture.DeepLabV3PlusResNet101 => new DeepLabV3Plus(num_classes, ResNetDepth.ResNet101, output_stride, auxiliary_head),
        _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture, "unknown architecture."),
    };
}
