using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace RecallKit.Vision.Data.Masks;

/// <summary>
/// Reads label files exactly: 8- and 16-bit greyscale PNGs (values are ids), palette PNGs (indices are ids) and 8-bit RGB
/// or opaque RGBA PNGs (colours). Anything a generic decoder would convert — JPEG, 1/2/4-bit greyscale, greyscale with
/// alpha, 16-bit colour — is refused with a message naming the file and what it is, never read as wrong ids.
/// </summary>
public static class MaskFiles
{
    /// <summary>The raw values of the label file at <paramref name="path"/> and how they encode classes.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">Not a PNG, an encoding that cannot be read exactly, truncated or corrupt.</exception>
    public static LabelMask Read(string path) => ReadSamples(path).ToMask();

    /// <summary>As <see cref="Read"/>, keeping 8-bit ids and palette indices as bytes when the fast PNG path read them.</summary>
    internal static LabelSamples ReadSamples(string path, SampleBuffers? buffers = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"label {path} does not exist.", path);
        using (var file = Png.PooledFile.Read(path))
            if (file is { } f && PngLabelDecoder.TryRead(f.Bytes, f.Length, buffers) is { } samples)
                return samples;
        var mask = ReadGenerally(path);
        return new LabelSamples(null, mask.Values, mask.Width, mask.Height, mask.Encoding, mask.Palette);
    }

    /// <summary>Every encoding through ImageSharp's header and decoder (palette indices through <see cref="PngPaletteIndices"/>).</summary>
    internal static LabelMask ReadGenerally(string path)
    {
        var png = Identify(path);
        switch (png.ColorType, png.BitDepth)
        {
            case (PngColorType.Grayscale, PngBitDepth.Bit8):
            {
                using var image = ImageFiles.Load<L8>(path);
                var bytes = new byte[image.Width * image.Height];
                image.CopyPixelDataTo(bytes);
                return new LabelMask(Array.ConvertAll(bytes, b => (int)b), image.Width, image.Height, MaskEncoding.Grey8);
            }
            case (PngColorType.Grayscale, PngBitDepth.Bit16):
            {
                using var image = ImageFiles.Load<L16>(path);
                var values = new L16[image.Width * image.Height];
                image.CopyPixelDataTo(values);
                return new LabelMask(Array.ConvertAll(values, v => (int)v.PackedValue), image.Width, image.Height, MaskEncoding.Grey16);
            }
            case (PngColorType.Palette, _):
            {
                var (indices, width, height, palette) = PngPaletteIndices.Read(path);
                return new LabelMask(indices, width, height, MaskEncoding.Palette, palette);
            }
            case (PngColorType.Rgb or PngColorType.RgbWithAlpha, PngBitDepth.Bit8):
            {
                using var image = ImageFiles.Load<Rgba32>(path);
                var pixels = new Rgba32[image.Width * image.Height];
                image.CopyPixelDataTo(pixels);
                var colours = new int[pixels.Length];
                for (int i = 0; i < pixels.Length; i++)
                {
                    var p = pixels[i];
                    if (p.A != 255)
                        throw new InvalidDataException(
                            $"label {path} has a transparent pixel at ({i % image.Width},{i / image.Width}) (alpha {p.A}); colour-coded labels must be opaque (name the colour of unlabelled pixels as \"ignore_color\" instead).");
                    colours[i] = (p.R << 16) | (p.G << 8) | p.B;
                }
                return new LabelMask(colours, image.Width, image.Height, MaskEncoding.Rgb);
            }
            default:
                throw new InvalidDataException(
                    $"label {path} is a {Describe(png)} PNG, which cannot be read as class ids exactly; labels must be 8- or 16-bit greyscale (values are ids), palette (indices are ids) or 8-bit RGB (class colours).");
        }
    }

    /// <summary>The encoding of a label file in words (e.g. <c>palette (indexed, 8-bit)</c>), from its header alone.</summary>
    /// <exception cref="InvalidDataException">Not a PNG, or not an image.</exception>
    public static string Detect(string path) => Describe(Identify(path));

    /// <summary>The PNG header of a label file.</summary>
    private static PngMetadata Identify(string path)
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
            throw new InvalidDataException($"label {path} is a {format.Name} file; labels must be lossless PNGs (a lossy format changes class ids and colours at edges).");
        return info.Metadata.GetPngMetadata();
    }

    /// <summary>The encoding of a PNG header in words, for messages.</summary>
    public static string Describe(PngMetadata png) => png.ColorType switch
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
