using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Vision.Models;

/// <summary>Creates the network a config names.</summary>
public static class SegmentationModels
{
    /// <summary>A new, randomly initialised network for <paramref name="num_classes"/> classes.</summary>
    public static nn.Module<Tensor, Tensor> Create(SegmentationArchitecture architecture, int num_classes, int output_stride = 16) => architecture switch
    {
        SegmentationArchitecture.LiteSeg => new LiteSegNet(num_classes),
        _ => throw new NotSupportedException($"architecture {architecture} is not available in this build; use lite_seg."),
    };
}
