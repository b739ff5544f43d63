using System.Buffers.Binary;
using System.IO.Compression;

namespace RecallKit.Vision.Data.Masks;

/// <summary>
/// The palette indices of an indexed PNG, read from the file itself: a generic decoder returns colours, and a palette may
/// repeat a colour (PIL pads it with black), so colours cannot be mapped back to indices exactly.
/// </summary>
internal static class PngPaletteIndices
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    /// <summary>Largest label read, in pixels (a 16k × 16k image).</summary>
    private const long MaxPixels = 1L << 28;

    /// <summary>Indices of a non-interlaced palette PNG of 1, 2, 4 or 8 bits, row-major, and its palette's colours (0xRRGGBB).</summary>
    /// <exception cref="InvalidDataException">Not such a PNG, too large, truncated or corrupt.</exception>
    public static (int[] indices, int width, int height, int[] palette) Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 8 || !bytes.AsSpan(0, 8).SequenceEqual(Signature)) throw Corrupt(path, "not a PNG file");
        int width = 0, height = 0, depth = 0;
        bool header = false;
        int[] palette = [];
        using var compressed = new MemoryStream();
        for (int at = 8; ;)
        {
            if (at + 8 > bytes.Length) throw Corrupt(path, "the file ends before its IEND chunk (truncated)");
            int length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at));
            var type = System.Text.Encoding.ASCII.GetString(bytes, at + 4, 4);
            if (length < 0 || at + 12L + length > bytes.Length) throw Corrupt(path, $"chunk {type} runs past the end of the file (truncated)");
            var data = bytes.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                if (length < 13) throw Corrupt(path, "IHDR is too short");
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                depth = data[8];
                if (data[9] != 3) throw Corrupt(path, $"colour type {data[9]} is not palette");
                if (data[12] != 0)
                    throw new InvalidDataException($"label {path} is an interlaced palette PNG; re-save it without interlacing (PIL's image.save(path) does).");
                if (depth is not (1 or 2 or 4 or 8)) throw Corrupt(path, $"bit depth {depth} is not valid for a palette PNG");
                if (width <= 0 || height <= 0 || (long)width * height > MaxPixels)
                    throw Corrupt(path, $"size {width}×{height} is not valid (at most {MaxPixels:N0} pixels)");
                header = true;
            }
            else if (type == "PLTE")
            {
                palette = new int[length / 3];
                for (int i = 0; i < palette.Length; i++) palette[i] = (data[3 * i] << 16) | (data[3 * i + 1] << 8) | data[3 * i + 2];
            }
            else if (type == "IDAT") compressed.Write(data);
            else if (type == "IEND") break;
            at += 12 + length;
        }
        if (!header) throw Corrupt(path, "no IHDR chunk");
        int stride = (int)(((long)width * depth + 7) / 8);
        var raw = new byte[(long)(stride + 1) * height];
        try
        {
            compressed.Position = 0;
            using var inflate = new ZLibStream(compressed, CompressionMode.Decompress);
            inflate.ReadExactly(raw);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw Corrupt(path, "its image data is truncated or corrupt");
        }
        return (Unpack(Unfilter(raw, stride, height, path), stride, width, height, depth), width, height, palette);
    }

    /// <summary>Reverses the PNG scanline filters (one byte per pixel unit for palette images).</summary>
    private static byte[] Unfilter(byte[] raw, int stride, int height, string path)
    {
        var rows = new byte[stride * height];
        for (int y = 0; y < height; y++)
        {
            int filter = raw[y * (stride + 1)];
            var line = raw.AsSpan(y * (stride + 1) + 1, stride);
            var current = rows.AsSpan(y * stride, stride);
            var previous = y > 0 ? rows.AsSpan((y - 1) * stride, stride) : new byte[stride];
            for (int x = 0; x < stride; x++)
            {
                int left = x > 0 ? current[x - 1] : 0, up = previous[x], upLeft = x > 0 ? previous[x - 1] : 0;
                current[x] = (byte)(line[x] + filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    4 => Paeth(left, up, upLeft),
                    _ => throw Corrupt(path, $"row {y} has filter type {filter}"),
                });
            }
        }
        return rows;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static int[] Unpack(byte[] rows, int stride, int width, int height, int depth)
    {
        var indices = new int[width * height];
        int perByte = 8 / depth, mask = (1 << depth) - 1;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int b = rows[y * stride + x / perByte];
                indices[y * width + x] = (b >> (8 - depth * (x % perByte + 1))) & mask;
            }
        return indices;
    }

    private static InvalidDataException Corrupt(string path, string why) => new($"cannot decode label {path}: {why}.");
}
