namespace RecallKit.Vision.Models.Classification;

/// <summary>Creates the classifier a config names.</summary>
public static class ClassificationModels
{
    /// <summary>A new, randomly initialised classifier.</summary>
    /// <param name="architecture">A classification architecture.</param>
    /// <param name="num_classes">C.</param>
    /// <param name="in_channels">Image channels (1 for Fashion-MNIST).</param>
    /// <param name="decoupled">Add the SDN head g.</param>
    /// <param name="cosine">Cosine-classifier heads (for LDAM).</param>
    public static ClassificationNetwork Create(Architecture architecture, int num_classes, int in_channels, bool decoupled, bool cosine = false)
    {
        FeatureExtractor backbone = architecture switch
        {
            Architecture.SmallCnn => new SmallCnn(in_channels),
            Architecture.ResNet32Cifar => new CifarResNet(5, in_channels),
            Architecture.ResNet10 => new ResNetFeatures(ResNetDepth.ResNet10, in_channels),
            Architecture.ResNet18 => new ResNetFeatures(ResNetDepth.ResNet18, in_channels),
            Architecture.ResNet50 => new ResNetFeatures(ResNetDepth.ResNet50, in_channels),
            Architecture.ResNet152 => new ResNetFeatures(ResNetDepth.ResNet152, in_channels),
            _ => throw new ArgumentException($"{architecture} is a segmentation network; classification needs small_cnn, resnet32_cifar, resnet10, resnet18, resnet50 or resnet152."),
        };
        return new ClassificationNetwork(backbone, num_classes, decoupled, cosine);
    }
}
