using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace RecallKit.Vision.Data.Classification;

/// <summary>
/// A split whose images are resized to <paramref name="Size"/> × <paramref name="Size"/> (bilinear) when loaded: Fashion-MNIST
/// or CIFAR at another input size (<c>data.image_size</c>).
/// </summary>
/// <param name="Inner">The split as stored.</param>
/// <param name="Size">Side of the resized images.</param>
public sealed record ResizedDataset(IClassificationDataset Inner, int Size) : IClassificationDataset
{
    /// <inheritdoc />
    public IReadOnlyList<string> ClassNames => Inner.ClassNames;

    /// <inheritdoc />
    public IReadOnlyList<int> Labels => Inner.Labels;

    /// <inheritdoc />
    public RawImage Load(int index) => Resize(Inner.Load(index), Size);

    /// <inheritdoc />
    public string Describe(int index) => Inner.Describe(index);

    /// <summary><paramref name="image"/> resized to <paramref name="size"/> × <paramref name="size"/> (1 or 3 channels).</summary>
    public static RawImage Resize(RawImage image, int size)
    {
        if (image.Width == size && image.Height == size) return image;
        var pixels = new byte[size * size * image.Channels];
        if (image.Channels == 1)
        {
            using var grey = Image.LoadPixelData<L8>(image.Pixels, image.Width, image.Height);
            grey.Mutate(x => x.Resize(size, size, KnownResamplers.Triangle));
            grey.CopyPixelDataTo(pixels);
        }
        else
        {
            using var rgb = Image.LoadPixelData<Rgb24>(image.Pixels, image.Width, image.Height);
            rgb.Mutate(x => x.Resize(size, size, KnownResamplers.Triangle));
            rgb.CopyPixelDataTo(pixels);
        }
        return new RawImage(pixels, image.Channels, size, size);
    }
}
