namespace RecallKit.Vision.Data.Classification;

/// <summary>A split held in memory (<see cref="ImageArray"/>: Fashion-MNIST, CIFAR).</summary>
/// <param name="Images">The images.</param>
/// <param name="Name">Dataset and split name, for messages.</param>
public sealed record InMemoryDataset(ImageArray Images, string Name) : IClassificationDataset
{
    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames => Images.ClassNames;

    /// <inheritdoc />
    public IReadOnlyList<int> Labels => Images.Labels;

    /// <inheritdoc />
    public RawImage Load(int index) => Images.Image(index);

    /// <inheritdoc />
    public string Describe(int index) => $"{Name} image {index}";
}
