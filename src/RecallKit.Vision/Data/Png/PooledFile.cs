using System.Buffers;

namespace RecallKit.Vision.Data.Png;

/// <summary>
/// A whole file read into a buffer rented from the shared pool: decoding an image per sample then reuses the same memory instead
/// of allocating megabytes each time (fresh large arrays cost page faults and collections, more than the decoding on a busy machine).
/// </summary>
internal readonly struct PooledFile : IDisposable
{
    private PooledFile(byte[] bytes, int length) => (Bytes, Length) = (bytes, length);

    /// <summary>The file's bytes, then unused ones.</summary>
    public byte[] Bytes { get; }

    /// <summary>The file's length.</summary>
    public int Length { get; }

    /// <summary>Reads <paramref name="path"/>; null when it is larger than an array can hold (left to the general decoder).</summary>
    public static PooledFile? Read(string path)
    {
        using var handle = File.OpenHandle(path);
        long length = RandomAccess.GetLength(handle);
        if (length > Array.MaxLength) return null;
        var bytes = ArrayPool<byte>.Shared.Rent((int)length);
        int read = 0;
        while (read < length)
        {
            int n = RandomAccess.Read(handle, bytes.AsSpan(read, (int)length - read), read);
            if (n == 0) break;
            read += n;
        }
        return new PooledFile(bytes, read);
    }

    public void Dispose()
    {
        if (Bytes is not null) ArrayPool<byte>.Shared.Return(Bytes);
    }
}
