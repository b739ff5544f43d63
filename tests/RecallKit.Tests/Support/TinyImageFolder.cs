using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace RecallKit.Tests.Support;

/// <summary>
/// A tiny ImageFolder dataset of real PNGs (12×12; 24, 10, 4 training images of blue, green, red; 4 validation images each):
/// the class is the dominant colour channel, with noise.
/// </summary>
internal static class TinyImageFolder
{
    /// <summary>Writes the dataset under <paramref name="root"/> and returns it.</summary>
    /// <param name="root">The dataset root.</param>
    /// <param name="dominant">The class's channel value before noise.</param>
    /// <param name="other">The other channels' value before noise.</param>
    /// <param name="noise">Uniform noise in [−noise, noise).</param>
    public static string Write(string root, int dominant, int other, int noise)
    {
        var random = new Random(5);
        string[] names = ["blue", "green", "red"];
        int[] perClass = [24, 10, 4];
        foreach (var split in new[] { "train", "val" })
            for (int c = 0; c < 3; c++)
            {
                var folder = Path.Combine(root, split, names[c]);
                Directory.CreateDirectory(folder);
                for (int i = 0; i < (split == "train" ? perClass[c] : 4); i++)
                {
                    using var image = new Image<Rgb24>(12, 12);
                    for (int y = 0; y < 12; y++)
                        for (int x = 0; x < 12; x++)
                        {
                            int Channel(int ch) => Math.Clamp((ch == 2 - c ? dominant : other) + random.Next(-noise, noise), 0, 255);
                            image[x, y] = new Rgb24((byte)Channel(0), (byte)Channel(1), (byte)Channel(2));
                        }
                    image.SaveAsPng(Path.Combine(folder, $"{i}.png"));
                }
            }
        return root;
    }
}
