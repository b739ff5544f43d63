using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace RecallKit.Vision.Data.Masks;

/// <summary>
/// Writes 8-bit palette PNGs whose indices are exactly the given class ids (a generic encoder quantises colours and chooses
/// its own indices): how Pascal VOC and the VOC exports of annotation tools store labels.
/// </summary>
public static class PalettePng
{
    /// <summary>Writes <paramref name="indices"/> (row-major, <paramref name="width"/> × <paramref name="height"/>) with a 256-entry palette.</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="indices">One palette index per pixel.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="palette">Colours of indices 0, 1, …; the remaining entries up to 255 are black.</param>
    public static void Write(string path, byte[] indices, int width, int height, IReadOnlyList<(byte R, byte G, byte B)> palette)
    {
        if (indices.Length != width * height) throw new ArgumentException($"{indices.Length} indices do not fill {width}×{height}.", nameof(indices));
        if (palette.Count > 256) throw new ArgumentException($"a palette holds at most 256 colours, got {palette.Count}.", nameof(palette));
        using var file = File.Create(path);
        file.Write([137, 80, 78, 71, 13, 10, 26, 10]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 3; // palette
        Chunk(file, "IHDR", header);
        var colours = new byte[256 * 3];
        for (int i = 0; i < palette.Count; i++) (colours[3 * i], colours[3 * i + 1], colours[3 * i + 2]) = palette[i];
        Chunk(file, "PLTE", colours);
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            for (int y = 0; y < height; y++)
            {
                zlib.WriteByte(0); // filter: none
                zlib.Write(indices, y * width, width);
            }
        Chunk(file, "IDAT", compressed.ToArray());
        Chunk(file, "IEND", []);
    }

    private static void Chunk(Stream stream, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        stream.Write(length);
        var typed = new byte[4 + data.Length];
        Encoding.ASCII.GetBytes(type, typed);
        data.CopyTo(typed, 4);
        stream.Write(typed);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        stream.Write(crc);
    }

    private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    private static uint Crc32(byte[] bytes)
    {
        uint c = 0xFFFFFFFFu;
        foreach (var b in bytes) c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }
}
