using RecallKit.Vision.Data.Png;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace RecallKit.Vision.Data;

/// <summary>Image decoding with errors that name the file.</summary>
public static class ImageFiles
{
    /// <summary>Decodes any supported image as 8-bit RGB.</summary>
    public static Image<Rgb24> LoadRgb(string path) => Load<Rgb24>(path);

    /// <summary>
    /// Decodes any supported image as interleaved 8-bit RGB, row-major: exactly the pixels of <see cref="LoadRgb"/>, with its errors.
    /// Common PNGs (8-bit greyscale, RGB, RGBA, palette; not interlaced) take a faster decoder that writes the bytes in place.
    /// </summary>
    public static (byte[] rgb, int width, int height) ReadRgb(string path) => ReadRgb(path, null);

    /// <summary>As <see cref="ReadRgb(string)"/>, into <paramref name="buffers"/> when given.</summary>
    internal static (byte[] rgb, int width, int height) ReadRgb(string path, SampleBuffers? buffers)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"image {path} does not exist.", path);
        using (var file = PooledFile.Read(path))
            if (file is { } f && PngRgbDecoder.TryDecode(f.Bytes, f.Length, buffers, out var decoded, out int width, out int height))
                return (decoded, width, height);
        using var image = LoadRgb(path);
        var rgb = buffers?.Rgb(image.Width * image.Height * 3) ?? new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(rgb);
        return (rgb, image.Width, image.Height);
    }

    /// <summary>Decodes an image converting to <typeparamref name="TPixel"/>; corrupt or truncated files raise <see cref="InvalidDataException"/>.</summary>
    public static Image<TPixel> Load<TPixel>(string path) where TPixel : unmanaged, IPixel<TPixel>
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"image {path} does not exist.", path);
        try
        {
            return Image.Load<TPixel>(path);
        }
        // Truncated files can also surface as IndexOutOfRange/Argument exceptions from inside the decoder, and corrupt compressed
        // data as the inflater's InvalidDataException, whose message names no file.
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException or ImageFormatException or NotSupportedException
                                      or IndexOutOfRangeException or ArgumentException or EndOfStreamException or InvalidDataException)
        {
            throw new InvalidDataException($"cannot decode {path}: {e.Message}", e);
        }
    }
}
