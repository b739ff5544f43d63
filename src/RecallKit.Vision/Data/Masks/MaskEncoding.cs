namespace RecallKit.Vision.Data.Masks;

/// <summary>How a label file encodes its classes (detected per file from the PNG header).</summary>
public enum MaskEncoding
{
    /// <summary>8-bit greyscale: each value is a class id.</summary>
    Grey8,
    /// <summary>16-bit greyscale: each value is a class id.</summary>
    Grey16,
    /// <summary>Palette (indexed) PNG: each palette index is a class id (what PIL and mmsegmentation read).</summary>
    Palette,
    /// <summary>RGB (or opaque RGBA): each colour is a class colour of the dataset description.</summary>
    Rgb,
}

/// <summary>The raw values of a label file: ids (greyscale, palette) or packed colours 0xRRGGBB (RGB), row-major.</summary>
/// <param name="Values">One value per pixel.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Encoding">How the values encode classes.</param>
/// <param name="Palette">Palette PNGs: the colour (0xRRGGBB) of each index; null otherwise.</param>
public sealed record LabelMask(int[] Values, int Width, int Height, MaskEncoding Encoding, int[]? Palette = null);
