using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace RecallKit.Vision.Data;

/// <summary>Image decoding with errors that name the file.</summary>
public static class ImageFiles
{
    /// <summary>Decodes any supported image as 8-bit RGB.</summary>
    public static Image<Rgb24> LoadRgb(string path) => Load<Rgb24>(path);

    /// <summary>Decodes an image converting to <typeparamref name="TPixel"/>; corrupt or truncated files raise <see cref="InvalidDataException"/>.</summary>
    public static Image<TPixel> Load<TPixel>(string path) where TPixel : unmanaged, IPixel<TPixel>
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"image {path} does not exist.", path);
        try
        {
            return Image.Load<TPixel>(path);
        }
        // Truncated files can also surface as IndexOutOfRange/Argument exceptions from inside the decoder.
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException or ImageFormatException or NotSupportedException
                                      or IndexOutOfRangeException or ArgumentException or EndOfStreamException)
        {
            throw new InvalidDataException($"cannot decode {path}: {e.Message}", e);
        }
    }
}
