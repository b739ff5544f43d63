using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Vision.Models.Classification;

/// <summary>A network trunk that maps images [N,C,H,W] to feature vectors [N,<see cref="FeatureDim"/>] (after global pooling).</summary>
public abstract class FeatureExtractor(string name) : nn.Module<Tensor, Tensor>(name)
{
    /// <summary>Length of the feature vector.</summary>
    public abstract long FeatureDim { get; }
}
