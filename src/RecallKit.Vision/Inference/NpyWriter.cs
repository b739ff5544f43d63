using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace RecallKit.Vision.Inference;

/// <summary>
/// Writes float32 arrays as NumPy <c>.npy</c> files, format version 1.0: the magic <c>\x93NUMPY</c>, version bytes 1 0, a
/// little-endian uint16 header length, an ASCII dict header padded with spaces and ended by a newline so the data starts at
/// a multiple of 64 bytes, then the values little-endian in C order.
/// </summary>
public static class NpyWriter
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0];

    /// <summary>The header (magic through newline) of a C-order little-endian float32 array of <paramref name="shape"/>.</summary>
    public static byte[] Header(IReadOnlyList<long> shape)
    {
        var dims = string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + (shape.Count == 1 ? "," : "");
        var dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({dims}), }}";
        int unpadded = Magic.Length + 2 + dict.Length + 1;
        int padding = (64 - unpadded % 64) % 64;
        var text = dict + new string(' ', padding) + "\n";
        if (text.Length > ushort.MaxValue) throw new ArgumentException($"an array of {shape.Count} dimensions does not fit a .npy v1.0 header.");
        var header = new byte[Magic.Length + 2 + text.Length];
        Magic.CopyTo(header, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(Magic.Length), (ushort)text.Length);
        Encoding.ASCII.GetBytes(text, header.AsSpan(Magic.Length + 2));
        return header;
    }

    /// <summary>Writes <paramref name="values"/> (C order, as many as the shape's product) to <paramref name="path"/>.</summary>
    public static void Write(string path, ReadOnlySpan<float> values, IReadOnlyList<long> shape)
    {
        long expected = shape.Aggregate(1L, (a, b) => a * b);
        if (shape.Any(d => d < 0) || values.Length != expected)
            throw new ArgumentException($"{path}: {values.Length} values do not fill the shape ({string.Join(", ", shape)}).");
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        stream.Write(Header(shape));
        var buffer = new byte[sizeof(float) * Math.Min(values.Length, 1 << 16)];
        for (int start = 0; start < values.Length; start += buffer.Length / sizeof(float))
        {
            int n = Math.Min(buffer.Length / sizeof(float), values.Length - start);
            for (int i = 0; i < n; i++) BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(i * sizeof(float)), values[start + i]);
            stream.Write(buffer, 0, n * sizeof(float));
        }
    }
}
