namespace RecallKit.Vision.Data.Png;

/// <summary>
/// The fast path of <see cref="ImageFiles.ReadRgb(string)"/>: non-interlaced 8-bit greyscale, RGB, RGBA and palette PNGs as interleaved
/// 8-bit RGB, byte for byte what ImageSharp's <c>Image.Load&lt;Rgb24&gt;</c> gives (alpha dropped, grey repeated, palette looked
/// up). Anything else — other depths, interlacing, a colour key (tRNS) on greyscale or RGB, an index outside the palette, any
/// irregularity — returns false and is left to ImageSharp.
/// </summary>
internal static class PngRgbDecoder
{
    /// <summary>Decodes <paramref name="file"/> (a whole file's bytes) or returns false.</summary>
    public static bool TryDecode(byte[] file, out byte[] rgb, out int width, out int height) => TryDecode(file, file.Length, null, out rgb, out width, out height);

    /// <summary>Decodes the first <paramref name="fileLength"/> bytes of <paramref name="file"/> or returns false.</summary>
    /// <param name="file">The file's bytes, then possibly unused ones.</param>
    /// <param name="fileLength">The file's length.</param>
    /// <param name="buffers">Where the RGB bytes go (reused), or null for a new array.</param>
    /// <param name="rgb">The RGB bytes.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    public static bool TryDecode(byte[] file, int fileLength, SampleBuffers? buffers, out byte[] rgb, out int width, out int height)
    {
        (rgb, width, height) = ([], 0, 0);
        var png = PngChunks.Parse(file, fileLength);
        if (png is null || !png.IsEightBitNonInterlaced || (png.HasTransparency && png.Colour != PngColour.Palette)) return false;
        int w = png.Width;
        var output = buffers?.Rgb(w * png.Height * 3) ?? GC.AllocateUninitializedArray<byte>(w * png.Height * 3); // every byte is written below
        bool decoded = png.Colour switch
        {
            PngColour.Rgb => PngPixels.TryReadSamples(png, output),
            PngColour.Rgba => PngPixels.TryReadRows(png, (y, row) =>
            {
                var target = output.AsSpan(y * w * 3, w * 3);
                for (int x = 0; x < w; x++)
                {
                    target[3 * x] = row[4 * x];
                    target[3 * x + 1] = row[4 * x + 1];
                    target[3 * x + 2] = row[4 * x + 2];
                }
                return true;
            }),
            PngColour.Grey => PngPixels.TryReadRows(png, (y, row) =>
            {
                var target = output.AsSpan(y * w * 3, w * 3);
                for (int x = 0; x < w; x++) target[3 * x] = target[3 * x + 1] = target[3 * x + 2] = row[x];
                return true;
            }),
            _ => PngPixels.TryReadRows(png, (y, row) => LookUp(row, png.Palette!, output.AsSpan(y * w * 3, w * 3))),
        };
        if (!decoded) return false;
        (rgb, width, height) = (output, w, png.Height);
        return true;
    }

    private static bool LookUp(ReadOnlySpan<byte> indices, int[] palette, Span<byte> target)
    {
        for (int x = 0; x < indices.Length; x++)
        {
            int i = indices[x];
            if (i >= palette.Length) return false;
            int colour = palette[i];
            target[3 * x] = (byte)(colour >> 16);
            target[3 * x + 1] = (byte)(colour >> 8);
            target[3 * x + 2] = (byte)colour;
        }
        return true;
    }
}
