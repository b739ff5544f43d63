using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace RecallKit.Vision.Data;

/// <summary>Colour-coded label images and overlays for predictions.</summary>
public static class PaletteImage
{
    /// <summary>Writes the labels [H·W] as an RGB PNG in the dataset palette (ignored or unknown ids black).</summary>
    public static void SaveLabels(string path, int[] labels, int width, int height, DatasetClasses classes)
    {
        using var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                image[x, y] = Colour(labels[y * width + x], classes);
        image.SaveAsPng(path);
    }

    /// <summary>Writes the image blended 50/50 with the label colours.</summary>
    public static void SaveOverlay(string path, byte[] rgb, int[] labels, int width, int height, DatasetClasses classes)
    {
        using var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int i = y * width + x;
                var c = Colour(labels[i], classes);
                image[x, y] = new Rgb24((byte)((rgb[3 * i] + c.R) / 2), (byte)((rgb[3 * i + 1] + c.G) / 2), (byte)((rgb[3 * i + 2] + c.B) / 2));
            }
        image.SaveAsPng(path);
    }

    private static Rgb24 Colour(int label, DatasetClasses classes) =>
        label >= 0 && label < classes.Count ? new Rgb24(classes.Palette[label].R, classes.Palette[label].G, classes.Palette[label].B) : new Rgb24(0, 0, 0);
}
