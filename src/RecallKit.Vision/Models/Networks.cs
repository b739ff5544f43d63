using RecallKit.Vision.Models.Classification;
using static TorchSharp.torch;

namespace RecallKit.Vision.Models;

/// <summary>How a network is built beyond its architecture and class count (the model keys of a config).</summary>
/// <param name="InChannels">Classifiers: image channels (1 for Fashion-MNIST).</param>
/// <param name="OutputStride">DeepLabV3+: 8 or 16.</param>
/// <param name="AuxiliaryHead">DeepLabV3+: the auxiliary FCN head on layer3.</param>
/// <param name="Decoupled">Classifiers: SDN heads (f, g, h).</param>
/// <param name="Cosine">Classifiers: a cosine classifier.</param>
public sealed record NetworkOptions(int InChannels = 3, int OutputStride = 16, bool AuxiliaryHead = false, bool Decoupled = false, bool Cosine = false);

/// <summary>Creates any network an <see cref="Architecture"/> names, segmentation network or classifier.</summary>
public static class Networks
{
    /// <summary>A new, randomly initialised <paramref name="architecture"/> for <paramref name="num_classes"/> classes.</summary>
    public static nn.Module<Tensor, Tensor> Create(Architecture architecture, int num_classes, NetworkOptions options) =>
        SegmentationModels.Builds(architecture)
            ? SegmentationModels.Create(architecture, num_classes, options.OutputStride, options.AuxiliaryHead)
            : ClassificationModels.Create(architecture, num_classes, options.InChannels, options.Decoupled, options.Cosine);
}
