using RecallKit.Vision.Data.Png;

namespace RecallKit.Vision.Data.Masks;

/// <summary>
/// The fast path of <see cref="MaskFiles"/>: non-interlaced 8-bit greyscale (ids), palette (indices), RGB and RGBA (colours)
/// labels read by <see cref="PngPixels"/>, with the values <see cref="MaskFiles.Read"/> gives through ImageSharp. A colour key
/// (tRNS) on greyscale or RGB, a transparent RGBA pixel (an error there), other depths, interlacing or any irregularity in the
/// file return null, and the file is read the general way, with its messages.
/// </summary>
internal static class PngLabelDecoder
{
    /// <summary>The samples of <paramref name="file"/> (a whole file's bytes), or null.</summary>
    public static LabelSamples? TryRead(byte[] file) => TryRead(file, file.Length, null);

    /// <summary>The samples of the first <paramref name="fileLength"/> bytes of <paramref name="file"/>, or null.</summary>
    /// <param name="file">The file's bytes, then possibly unused ones.</param>
    /// <param name="fileLength">The file's length.</param>
    /// <param name="buffers">Where 8-bit values go (reused), or null for a new array.</param>
    public static LabelSamples? TryRead(byte[] file, int fileLength, SampleBuffers? buffers)
    {
        var png = PngChunks.Parse(file, fileLength);
        if (png is null || !png.IsEightBitNonInterlaced || (png.HasTransparency && png.Colour != PngColour.Palette)) return null;
        int width = png.Width, height = png.Height;
        switch (png.Colour)
        {
            case PngColour.Grey or PngColour.Palette:
            {
                var bytes = buffers?.LabelBytes(width * height) ?? GC.AllocateUninitializedArray<byte>(width * height); // every byte is written
                if (!PngPixels.TryReadSamples(png, bytes)) return null;
                return png.Colour == PngColour.Grey
                    ? new LabelSamples(bytes, null, width, height, MaskEncoding.Grey8)
                    : new LabelSamples(bytes, null, width, height, MaskEncoding.Palette, png.Palette);
            }
            case PngColour.Rgb:
            {
                var rgb = System.Buffers.ArrayPool<byte>.Shared.Rent(width * height * 3);
                try
                {
                    if (!PngPixels.TryReadSamples(png, rgb)) return null;
                    var colours = GC.AllocateUninitializedArray<int>(width * height);
                    for (int i = 0; i < colours.Length; i++) colours[i] = (rgb[3 * i] << 16) | (rgb[3 * i + 1] << 8) | rgb[3 * i + 2];
                    return new LabelSamples(null, colours, width, height, MaskEncoding.Rgb);
                }
                finally
                {
                    System.Buffers.ArrayPool<byte>.Shared.Return(rgb);
                }
            }
            default:
            {
                var colours = GC.AllocateUninitializedArray<int>(width * height); // every pixel is written unless refused
                bool opaque = PngPixels.TryReadRows(png, (y, row) =>
                {
                    var target = colours.AsSpan(y * width, width);
                    for (int x = 0; x < width; x++)
                    {
                        if (row[4 * x + 3] != 255) return false; // refused with its message by the general path
                        target[x] = (row[4 * x] << 16) | (row[4 * x + 1] << 8) | row[4 * x + 2];
                    }
                    return true;
                });
                return opaque ? new LabelSamples(null, colours, width, height, MaskEncoding.Rgb) : null;
            }
        }
    }
}
