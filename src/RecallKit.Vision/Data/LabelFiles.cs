using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace RecallKit.Vision.Data;

/// <summary>
/// Label maps stored as 8-bit greyscale PNGs whose pixel values are class ids. Any other encoding (palette, RGB, 16-bit,
/// another format) would be converted to luminance by a generic decoder and silently become wrong ids, so it is refused
/// with a message naming the file and what it is.
/// </summary>
public static class LabelFiles
{
    /// <summary>The class ids of an 8-bit greyscale PNG, row-major.</summary>
    /// <exception cref="InvalidDataException">Not a PNG, not 8-bit greyscale, truncated or corrupt.</exception>
    public static (byte[] ids, int width, int height) ReadEightBit(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"label {path} does not exist.", path);
        IImageFormat? format;
        IImageInfo? info;
        try
        {
            info = Image.Identify(path, out format);
        }
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException or ImageFormatException or NotSupportedException
                                      or IndexOutOfRangeException or ArgumentException or EndOfStreamException)
        {
            throw new InvalidDataException($"cannot decode label {path}: {e.Message}", e);
        }
        if (info is null || format is null)
            throw new InvalidDataException($"cannot decode label {path}: not an image ({new FileInfo(path).Length} bytes).");
        if (format is not PngFormat)
            throw new InvalidDataException($"label {path} is a {format.Name} file; labels must be lossless 8-bit greyscale PNGs whose values are class ids.");
        var png = info.Metadata.GetPngMetadata();
        if (png.ColorType != PngColorType.Grayscale || png.BitDepth != PngBitDepth.Bit8)
            throw new InvalidDataException(
                $"label {path} is a {Describe(png)} PNG; labels must be 8-bit greyscale PNGs whose values are class ids (convert palette or colour labels to ids first).");
        using var image = ImageFiles.Load<L8>(path);
        var ids = new byte[image.Width * image.Height];
        image.CopyPixelDataTo(ids);
        return (ids, image.Width, image.Height);
    }

    private static string Describe(PngMetadata png) => png.ColorType switch
    {
        PngColorType.Palette => $"palette (indexed, {Bits(png)})",
        PngColorType.Rgb => $"RGB ({Bits(png)} per channel)",
        PngColorType.RgbWithAlpha => $"RGBA ({Bits(png)} per channel)",
        PngColorType.GrayscaleWithAlpha => $"greyscale with alpha ({Bits(png)})",
        _ => $"{Bits(png)} greyscale",
    };

    private static string Bits(PngMetadata png) => png.BitDepth switch
    {
        PngBitDepth.Bit1 => "1-bit",
        PngBitDepth.Bit2 => "2-bit",
        PngBitDepth.Bit4 => "4-bit",
        PngBitDepth.Bit8 => "8-bit",
        PngBitDepth.Bit16 => "16-bit",
        _ => "unknown depth",
    };
}
