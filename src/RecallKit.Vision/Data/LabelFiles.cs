using RecallKit.Vision.Data.Masks;

namespace RecallKit.Vision.Data;

/// <summary>Label maps that must be 8-bit greyscale PNGs whose values are class ids (Cityscapes' labelIds).</summary>
public static class LabelFiles
{
    /// <summary>The class ids of an 8-bit greyscale PNG, row-major.</summary>
    /// <exception cref="InvalidDataException">Not a PNG, not 8-bit greyscale, truncated or corrupt.</exception>
    public static (byte[] ids, int width, int height) ReadEightBit(string path)
    {
        var mask = MaskFiles.ReadSamples(path);
        if (mask.Encoding != MaskEncoding.Grey8)
            throw new InvalidDataException($"label {path} is {Describe(mask.Encoding)}; this dataset's labels must be 8-bit greyscale PNGs whose values are class ids.");
        if (mask.Bytes is { } bytes) return (bytes, mask.Width, mask.Height);
        var ids = new byte[mask.Values!.Length];
        for (int i = 0; i < ids.Length; i++) ids[i] = (byte)mask.Values[i];
        return (ids, mask.Width, mask.Height);
    }

    /// <summary>An encoding in words, for messages.</summary>
    public static string Describe(MaskEncoding encoding) => encoding switch
    {
        MaskEncoding.Grey8 => "an 8-bit greyscale PNG",
        MaskEncoding.Grey16 => "a 16-bit greyscale PNG",
        MaskEncoding.Palette => "a palette (indexed) PNG",
        _ => "an RGB (colour-coded) PNG",
    };
}
