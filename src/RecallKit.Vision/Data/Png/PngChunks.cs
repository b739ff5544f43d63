using System.Buffers.Binary;
using System.IO.Hashing;

namespace RecallKit.Vision.Data.Png;

/// <summary>
/// Reads the chunk structure of a PNG file strictly: anything unusual (a bad CRC in any chunk, chunks out of order, an unknown
/// critical chunk, bytes after IEND, an invalid header) yields null, so that the caller hands the file to the general decoder,
/// whose result or error is then exactly what it was before the fast path existed.
/// </summary>
internal static class PngChunks
{
    private static ReadOnlySpan<byte> Signature => [137, 80, 78, 71, 13, 10, 26, 10];

    /// <summary>Largest image decoded on the fast path, in pixels (a 16k × 16k image).</summary>
    private const long MaxPixels = 1L << 28;

    private const uint Ihdr = 0x49484452, Plte = 0x504C5445, Idat = 0x49444154, Iend = 0x49454E44, Trns = 0x74524E53;

    /// <summary>The layout of <paramref name="file"/>, or null when it is not a well-formed PNG in every respect.</summary>
    public static PngLayout? Parse(byte[] file) => Parse(file, file.Length);

    /// <summary>The layout of the first <paramref name="fileLength"/> bytes of <paramref name="file"/> (a pooled buffer), or null.</summary>
    public static PngLayout? Parse(byte[] file, int fileLength)
    {
        if (fileLength < 8 + 25 + 12 || !file.AsSpan(0, 8).SequenceEqual(Signature)) return null;
        int width = 0, height = 0, depth = 0;
        var colour = PngColour.Grey;
        bool interlaced = false, transparency = false, idatEnded = false;
        int[]? palette = null;
        var idat = new List<(int, int)>();
        for (int at = 8, index = 0; ; index++)
        {
            if (at + 12 > fileLength) return null;
            uint length = BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(at));
            uint type = BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(at + 4));
            if (length > int.MaxValue || at + 12L + length > fileLength) return null;
            var data = file.AsSpan(at + 8, (int)length);
            if (Crc32.HashToUInt32(file.AsSpan(at + 4, 4 + (int)length)) != BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(at + 8 + (int)length)))
                return null;
            if ((index == 0) != (type == Ihdr)) return null;
            if (idat.Count > 0 && type != Idat) idatEnded = true;
            switch (type)
            {
                case Ihdr:
                    if (length != 13) return null;
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    depth = data[8];
                    colour = (PngColour)data[9];
                    if (width <= 0 || height <= 0 || (long)width * height > MaxPixels) return null;
                    if (data[10] != 0 || data[11] != 0 || data[12] > 1 || !ValidDepth(colour, depth)) return null;
                    interlaced = data[12] == 1;
                    break;
                case Plte:
                    if (palette is not null || idat.Count > 0 || length == 0 || length % 3 != 0 || length > 768) return null;
                    if (colour is PngColour.Grey or PngColour.GreyAlpha) return null;
                    palette = new int[length / 3];
                    for (int i = 0; i < palette.Length; i++) palette[i] = (data[3 * i] << 16) | (data[3 * i + 1] << 8) | data[3 * i + 2];
                    break;
                case Trns:
                    if (transparency || idat.Count > 0 || colour is PngColour.GreyAlpha or PngColour.Rgba) return null;
                    if (colour == PngColour.Palette && (palette is null || length > palette.Length)) return null;
                    transparency = true;
                    break;
                case Idat:
                    if (idatEnded) return null;
                    idat.Add((at + 8, (int)length));
                    break;
                case Iend:
                    if (length != 0 || at + 12 != fileLength || idat.Count == 0) return null;
                    if (colour == PngColour.Palette && palette is null) return null;
                    return new PngLayout(file, width, height, depth, colour, interlaced, idat, palette, transparency);
                default:
                    if ((type & 0x20000000) == 0) return null; // an unknown critical chunk
                    break;
            }
            at += 12 + (int)length;
        }
    }

    private static bool ValidDepth(PngColour colour, int depth) => colour switch
    {
        PngColour.Grey => depth is 1 or 2 or 4 or 8 or 16,
        PngColour.Palette => depth is 1 or 2 or 4 or 8,
        PngColour.Rgb or PngColour.GreyAlpha or PngColour.Rgba => depth is 8 or 16,
        _ => false,
    };
}
