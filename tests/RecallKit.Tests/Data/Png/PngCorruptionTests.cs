using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using RecallKit.Vision.Data;
using RecallKit.Vision.Data.Masks;
using RecallKit.Vision.Data.Png;

namespace RecallKit.Tests.Data.Png;

/// <summary>
/// Damaged PNGs: the fast path declines every one of them, so the image and label readers give exactly what the general path
/// gives (its error naming the file, or its pixels where it is lenient), never a crash or different pixels.
/// </summary>
public sealed class PngCorruptionTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-pngcorrupt-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private const int Width = 9, Height = 6;

    private static byte[] Chunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        System.Text.Encoding.ASCII.GetBytes(type, chunk.AsSpan(4));
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32.HashToUInt32(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    /// <summary>An RGB (colour 2) or greyscale (colour 0) PNG whose rows use filter <paramref name="filter"/>, its zlib data passed through <paramref name="damage"/>.</summary>
    private static byte[] Png(int colour, byte filter = 0, Func<byte[], byte[]>? damage = null, int width = Width, int height = Height)
    {
        int bpp = colour == 2 ? 3 : 1;
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            for (int y = 0; y < height; y++)
            {
                zlib.WriteByte(filter);
                zlib.Write(Enumerable.Range(0, width * bpp).Select(x => (byte)(x * 5 + y)).ToArray());
            }
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        (header[8], header[9]) = (8, (byte)colour);
        var data = (damage ?? (d => d))(compressed.ToArray());
        return [137, 80, 78, 71, 13, 10, 26, 10, .. Chunk("IHDR", header), .. Chunk("IDAT", data), .. Chunk("IEND", [])];
    }

    public static TheoryData<string> Damages => new(["idat-crc", "ihdr-crc", "truncated-zlib", "corrupt-zlib", "filter-type", "signature", "empty", "half-file", "no-iend"]);

    private static byte[] Damaged(string damage, int colour)
    {
        var good = Png(colour);
        switch (damage)
        {
            case "idat-crc":
                good[^13] ^= 0x40; // the last byte of IDAT's CRC (IEND is the last 12 bytes)
                return good;
            case "ihdr-crc":
                good[8 + 8 + 13] ^= 1;
                return good;
            case "truncated-zlib":
                return Png(colour, damage: d => d[..(d.Length / 2)]);
            case "corrupt-zlib":
                return Png(colour, damage: d => [d[0], d[1], 0xFF, 0xFF, .. d[4..]]);
            case "filter-type":
                return Png(colour, filter: 9);
            case "signature":
                good[1] = (byte)'Q';
                return good;
            case "empty":
                return [];
            case "half-file":
                return good[..(good.Length / 2)];
            default:
                return good[..^12];
        }
    }

    private static string Outcome<T>(Func<T> read)
    {
        try
        {
            var value = read();
            return value switch
            {
                byte[] bytes => "pixels " + Convert.ToHexString(bytes),
                LabelMask mask => $"mask {mask.Encoding} {string.Join(",", mask.Values)}",
                _ => $"{value}",
            };
        }
        catch (Exception e)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    [Theory]
    [MemberData(nameof(Damages))]
    public void ADamagedImageIsDeclinedByTheFastPathAndReadAsBefore(string damage)
    {
        var path = Path.Combine(dir, damage + ".png");
        File.WriteAllBytes(path, Damaged(damage, colour: 2));
        Assert.False(PngRgbDecoder.TryDecode(File.ReadAllBytes(path), out _, out _, out _));
        var before = Outcome(() =>
        {
            using var image = ImageFiles.LoadRgb(path);
            var rgb = new byte[image.Width * image.Height * 3];
            image.CopyPixelDataTo(rgb);
            return rgb;
        });
        Assert.Equal(before, Outcome(() => ImageFiles.ReadRgb(path).rgb));
        if (before.StartsWith("InvalidDataException", StringComparison.Ordinal)) Assert.Contains(path, before);
        else Assert.StartsWith("pixels", before); // a damage the general decoder tolerates
    }

    [Theory]
    [MemberData(nameof(Damages))]
    public void ADamagedLabelIsDeclinedByTheFastPathAndReadAsBefore(string damage)
    {
        var path = Path.Combine(dir, damage + ".png");
        File.WriteAllBytes(path, Damaged(damage, colour: 0));
        Assert.Null(PngLabelDecoder.TryRead(File.ReadAllBytes(path)));
        var before = Outcome(() => MaskFiles.ReadGenerally(path));
        Assert.Equal(before, Outcome(() => MaskFiles.Read(path)));
        if (!before.StartsWith("mask", StringComparison.Ordinal)) Assert.Contains(path, before);
    }

    [Fact]
    public void TheUndamagedFilesAreOnTheFastPath()
    {
        Assert.True(PngRgbDecoder.TryDecode(Png(2), out var rgb, out _, out _));
        Assert.Equal(Enumerable.Range(0, Height).SelectMany(y => Enumerable.Range(0, Width * 3).Select(x => (byte)(x * 5 + y))), rgb);
        Assert.Equal(Enumerable.Range(0, Height).SelectMany(y => Enumerable.Range(0, Width).Select(x => x * 5 + y)), PngLabelDecoder.TryRead(Png(0))!.ToMask().Values);
    }
}
