namespace RecallKit.Vision.Data.Png;

/// <summary>PNG colour types (the IHDR byte).</summary>
internal enum PngColour : byte
{
    Grey = 0,
    Rgb = 2,
    Palette = 3,
    GreyAlpha = 4,
    Rgba = 6,
}

/// <summary>
/// A PNG file whose chunks were all checked (signature, order, lengths, CRCs): its header, palette, whether it has a tRNS chunk,
/// and where its image data lies in <see cref="File"/>.
/// </summary>
/// <param name="File">The whole file (possibly followed by unused bytes of a pooled buffer).</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="BitDepth">Bits per sample.</param>
/// <param name="Colour">Colour type.</param>
/// <param name="Interlaced">Adam7 interlacing.</param>
/// <param name="Idat">Offset and length of each IDAT chunk's data, in file order.</param>
/// <param name="Palette">PLTE colours as 0xRRGGBB, or null.</param>
/// <param name="HasTransparency">A tRNS chunk is present.</param>
internal sealed record PngLayout(byte[] File, int Width, int Height, int BitDepth, PngColour Colour, bool Interlaced,
    IReadOnlyList<(int Offset, int Length)> Idat, int[]? Palette, bool HasTransparency)
{
    /// <summary>Bytes per complete pixel at 8 bits per sample (the filters' left distance).</summary>
    public int BytesPerPixel => Colour switch
    {
        PngColour.Rgb => 3,
        PngColour.Rgba => 4,
        PngColour.GreyAlpha => 2,
        _ => 1,
    };

    /// <summary>Whether <see cref="PngPixels"/> decodes it: 8 bits per sample, not interlaced, greyscale, RGB, RGBA or palette.</summary>
    public bool IsEightBitNonInterlaced =>
        BitDepth == 8 && !Interlaced && Colour is PngColour.Grey or PngColour.Rgb or PngColour.Rgba or PngColour.Palette;
}
