using System.Buffers.Binary;
using System.IO.Compression;

namespace RecallKit.Vision.Data.Classification;

/// <summary>
/// The IDX format of MNIST and Fashion-MNIST (big-endian magic 0x0000080D: unsigned bytes, D dimensions, then D big-endian
/// sizes and the data), plain or gzip-compressed (detected from the content, not the file name).
/// </summary>
public sealed record IdxFile(int[] Shape, byte[] Data)
{
    /// <summary>Reads an IDX file of unsigned bytes; a wrong magic number, type or length is an error naming the file.</summary>
    public static IdxFile Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"IDX file {path} does not exist.", path);
        using var file = File.OpenRead(path);
        Span<byte> probe = stackalloc byte[2];
        int read = file.Read(probe);
        file.Position = 0;
        bool gzip = read == 2 && probe[0] == 0x1f && probe[1] == 0x8b;
        using Stream stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var memory = new MemoryStream();
        try
        {
            stream.CopyTo(memory);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: corrupt gzip data ({e.Message}).", e);
        }
        var bytes = memory.ToArray();
        if (bytes.Length < 4 || bytes[0] != 0 || bytes[1] != 0)
            throw new InvalidDataException($"{path} is not an IDX file (bad magic number).");
        if (bytes[2] != 0x08)
            throw new InvalidDataException($"{path}: IDX element type 0x{bytes[2]:X2} is not unsigned byte (0x08).");
        int dims = bytes[3];
        if (dims < 1 || bytes.Length < 4 + 4 * dims) throw new InvalidDataException($"{path}: IDX header declares {dims} dimensions but is truncated.");
        var shape = new int[dims];
        long count = 1;
        for (int d = 0; d < dims; d++)
        {
            shape[d] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * d));
            count *= shape[d];
        }
        int offset = 4 + 4 * dims;
        if (bytes.Length - offset != count)
            throw new InvalidDataException($"{path}: header shape [{string.Join(",", shape)}] needs {count} bytes of data, the file has {bytes.Length - offset}.");
        return new IdxFile(shape, bytes[offset..]);
    }

    /// <summary>Writes an unsigned-byte IDX file (gzip-compressed when <paramref name="gzip"/>).</summary>
    public void Write(string path, bool gzip)
    {
        using var file = File.Create(path);
        using Stream stream = gzip ? new GZipStream(file, CompressionLevel.Optimal) : file;
        stream.Write([0, 0, 0x08, (byte)Shape.Length]);
        Span<byte> size = stackalloc byte[4];
        foreach (var s in Shape)
        {
            BinaryPrimitives.WriteInt32BigEndian(size, s);
            stream.Write(size);
        }
        stream.Write(Data);
    }
}
