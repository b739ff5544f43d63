namespace RecallKit.Vision.Data.Masks;

/// <summary>
/// The raw values of a label file as read: 8-bit ids or palette indices as bytes when the fast PNG path read them
/// (<see cref="Bytes"/>), otherwise one int per pixel as in <see cref="LabelMask.Values"/>.
/// </summary>
internal sealed record LabelSamples(byte[]? Bytes, int[]? Values, int Width, int Height, MaskEncoding Encoding, int[]? Palette = null)
{
    /// <summary>The public form (bytes widened to ints).</summary>
    public LabelMask ToMask()
    {
        if (Values is not null) return new LabelMask(Values, Width, Height, Encoding, Palette);
        var values = GC.AllocateUninitializedArray<int>(Bytes!.Length); // every value is written
        for (int i = 0; i < values.Length; i++) values[i] = Bytes[i];
        return new LabelMask(values, Width, Height, Encoding, Palette);
    }
}
