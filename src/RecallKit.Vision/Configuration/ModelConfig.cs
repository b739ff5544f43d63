using RecallKit.Vision.Models;

namespace RecallKit.Vision.Configuration;

/// <summary>The network to train.</summary>
public sealed record ModelConfig
{
    /// <summary>Architecture.</summary>
    public SegmentationArchitecture Architecture { get; init; } = SegmentationArchitecture.LiteSeg;

    /// <summary>Output stride of a DeepLabV3+ backbone: 8 or 16.</summary>
    public int OutputStride { get; init; } = 16;

    /// <summary>Optional torchvision ImageNet weights for the backbone (.pth).</summary>
    public string? BackboneWeights { get; init; }
}
