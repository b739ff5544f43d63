using System.IO.Compression;

namespace RecallKit.Vision.Data.Png;

/// <summary>
/// Decodes the pixels of a non-interlaced 8-bit PNG (<see cref="PngLayout.IsEightBitNonInterlaced"/>): IDAT inflated by
/// <see cref="ZLibStream"/> one scanline at a time, then unfiltered (<see cref="PngRowFilters"/>) either straight into the
/// caller's buffer (the samples as stored) or into a row that a converter turns into the caller's format.
/// </summary>
internal static class PngPixels
{
    /// <summary>A converter of one unfiltered row (the samples as stored) into row <paramref name="y"/> of the output.</summary>
    public delegate bool RowConverter(int y, ReadOnlySpan<byte> row);

    /// <summary>
    /// The samples as stored (RGB, RGBA, grey values or palette indices), row-major, at the start of <paramref name="samples"/>
    /// (which may be longer: a pooled buffer); false when the image data is corrupt or truncated.
    /// </summary>
    public static bool TryReadSamples(PngLayout png, byte[] samples)
    {
        int stride = png.Width * png.BytesPerPixel;
        if (samples.Length < (long)stride * png.Height) throw new ArgumentException($"{samples.Length} bytes do not hold {png.Height} rows of {stride}.", nameof(samples));
        return Decode(png, samples, null);
    }

    /// <summary>Each unfiltered row handed to <paramref name="convert"/>; false when the image data is corrupt or truncated, or a row is refused.</summary>
    public static bool TryReadRows(PngLayout png, RowConverter convert) => Decode(png, null, convert);

    private static bool Decode(PngLayout png, byte[]? samples, RowConverter? convert)
    {
        if (!png.IsEightBitNonInterlaced) throw new ArgumentException("only non-interlaced 8-bit greyscale, RGB, RGBA and palette PNGs are decoded here.", nameof(png));
        int bpp = png.BytesPerPixel, stride = png.Width * bpp;
        var scanline = new byte[stride + 1];
        var next = new byte[stride + 1];
        var zeros = new byte[stride];
        var rows = samples is null ? new[] { new byte[stride], new byte[stride], new byte[stride] } : null;
        Span<byte> Row(int y) => samples is not null ? samples.AsSpan(y * stride, stride) : rows![y % 3];
        ReadOnlySpan<byte> Prior(int y) => y == 0 ? zeros : Row(y - 1);
        try
        {
            using var inflate = new ZLibStream(new IdatStream(png), CompressionMode.Decompress);
            bool nextRead = false;
            for (int y = 0; y < png.Height;)
            {
                if (nextRead) (scanline, next) = (next, scanline);
                else inflate.ReadExactly(scanline);
                nextRead = false;
                // Two Paeth rows in a row (what most encoders write for photos) are decoded together.
                if (scanline[0] == 4 && bpp > 1 && y + 1 < png.Height)
                {
                    inflate.ReadExactly(next);
                    nextRead = true;
                    if (next[0] == 4)
                    {
                        PngRowFilters.PaethPair(scanline.AsSpan(1), next.AsSpan(1), Prior(y), Row(y), Row(y + 1), bpp);
                        nextRead = false;
                        if (convert is not null && (!convert(y, Row(y)) || !convert(y + 1, Row(y + 1)))) return false;
                        y += 2;
                        continue;
                    }
                }
                if (!PngRowFilters.Unfilter(scanline[0], scanline.AsSpan(1), Prior(y), Row(y), bpp)) return false;
                if (convert is not null && !convert(y, Row(y))) return false;
                y++;
            }
            return true;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            return false;
        }
    }
}
