using System.Security.Cryptography;
using System.Text;

namespace RecallKit.Vision.RunFiles;

/// <summary>
/// A checkpoint file: named binary sections (config, progress, model, optimiser, loss state) followed by a SHA-256 of
/// everything before it. Sections are streamed to a temporary file (never assembled in memory), which is hashed, flushed to disk
/// and renamed over the target, and the directory is flushed too, so a crash or a full disk leaves the previous checkpoint intact;
/// a truncated or altered file is detected on load. Loading verifies the hash in one streamed pass and reads sections from
/// the open file on demand.
/// </summary>
/// <remarks>Layout: magic, int32 section count, then per section a length-prefixed UTF-8 name, an int32 length and the bytes; then the hash.</remarks>
public sealed class Checkpoint : IDisposable
{
    private static readonly byte[] Magic = "RECALLKIT-CKPT-1\n"u8.ToArray();

    /// <summary>Whether <paramref name="head"/> (the first bytes of a file) starts like a checkpoint.</summary>
    internal static bool StartsWithMagic(ReadOnlySpan<byte> head) => head.StartsWith(Magic);
    private const int HashLength = 32;
    private const int BufferSize = 1 << 20;

    private readonly Dictionary<string, Section> sections = new(StringComparer.Ordinal);
    private FileStream? file;
    private string? source;

    /// <summary>Section names in this checkpoint.</summary>
    public IReadOnlyCollection<string> Sections => sections.Keys;

    /// <summary>Adds or replaces a section.</summary>
    public void Set(string name, byte[] data) => sections[name] = new Section(data, null, 0, data.Length);

    /// <summary>Adds or replaces a UTF-8 text section.</summary>
    public void SetText(string name, string text) => Set(name, Encoding.UTF8.GetBytes(text));

    /// <summary>Adds a section that <paramref name="write"/> (e.g. <c>module.save(writer)</c>) streams into the file when it is saved.</summary>
    public void Set(string name, Action<BinaryWriter> write) => sections[name] = new Section(null, write, 0, -1);

    /// <summary>The bytes of a section; a missing section is an error naming the file's sections.</summary>
    public byte[] Get(string name)
    {
        var section = Find(name);
        if (section.Data is { } data) return data;
        if (section.Write is { } write)
        {
            using var memory = new MemoryStream();
            using (var writer = new BinaryWriter(memory, Encoding.UTF8, leaveOpen: true)) write(writer);
            return memory.ToArray();
        }
        var bytes = new byte[section.Length];
        using var stream = Open(section);
        stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>A UTF-8 text section.</summary>
    public string GetText(string name) => Encoding.UTF8.GetString(Get(name));

    /// <summary>Whether a section exists.</summary>
    public bool Has(string name) => sections.ContainsKey(name);

    /// <summary>Reads a section with <paramref name="read"/> (e.g. <c>module.load(reader)</c>), streamed from the file when loaded from one.</summary>
    public void Read(string name, Action<BinaryReader> read)
    {
        var section = Find(name);
        using var stream = section.Data is null && section.Write is null ? Open(section) : new MemoryStream(Get(name), writable: false);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        read(reader);
    }

    /// <summary>Writes atomically: temporary file in the same directory, hash, flush to disk, rename, flush the directory.</summary>
    /// <exception cref="IOException">The file could not be written (e.g. the disk is full); the previous file at <paramref name="path"/> is unchanged.</exception>
    public void Save(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.ReadWrite, FileShare.None, BufferSize))
            {
                WriteBody(stream);
                stream.Position = 0;
                var hash = SHA256.HashData(stream); // reads the body back in buffered chunks: no copy of the file in memory
                stream.Write(hash);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch (IOException e)
        {
            throw new IOException(
                $"could not write checkpoint {path}: {e.Message.TrimEnd('.')}. The previous {Path.GetFileName(path)} (if any) is unchanged; free space or fix the directory, then resume with --resume.", e);
        }
        finally
        {
            try
            {
                if (File.Exists(temporary)) File.Delete(temporary);
            }
            catch (IOException)
            {
                // best effort: the original error matters more
            }
        }
        try
        {
            DirectorySync.Flush(directory);
        }
        catch (IOException e)
        {
            throw new IOException($"checkpoint {path} was written, but its directory could not be flushed to disk: {e.Message}", e);
        }
    }

    /// <summary>Loads and verifies a checkpoint; a truncated or corrupt file raises <see cref="InvalidDataException"/> naming it.</summary>
    public static Checkpoint Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint {path} does not exist.", path);
        // The file stays open until disposal, so sections are read from the verified bytes even if a new save replaces the path.
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferSize);
        try
        {
            long length = stream.Length;
            var magic = new byte[Magic.Length];
            if (length < Magic.Length + HashLength || stream.Read(magic) != Magic.Length || !magic.AsSpan().SequenceEqual(Magic))
                throw new InvalidDataException($"{path} is not a RecallKit checkpoint (or is truncated to {length} bytes).");
            stream.Position = 0;
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = new byte[BufferSize];
                for (long left = length - HashLength; left > 0;)
                {
                    int n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                    if (n == 0) throw new EndOfStreamException();
                    hash.AppendData(buffer, 0, n);
                    left -= n;
                }
                var stored = new byte[HashLength];
                stream.ReadExactly(stored);
                if (!hash.GetHashAndReset().AsSpan().SequenceEqual(stored))
                    throw new InvalidDataException($"{path} is truncated or corrupt: its SHA-256 does not match (size {length} bytes).");
            }
            var checkpoint = new Checkpoint { file = stream, source = path };
            stream.Position = Magic.Length;
            using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
            int count = reader.ReadInt32();
            for (int i = 0; i < count; i++)
            {
                var name = reader.ReadString();
                int size = reader.ReadInt32();
                long offset = stream.Position;
                if (size < 0 || offset + size > length - HashLength)
                    throw new InvalidDataException($"{path}: section '{name}' claims {size} bytes at offset {offset}, beyond the end of the data.");
                checkpoint.sections[name] = new Section(null, null, offset, size);
                stream.Position = offset + size;
            }
            return checkpoint;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException && e is not FileNotFoundException)
        {
            stream.Dispose();
            throw new InvalidDataException($"{path} could not be read as a checkpoint: {e.Message}", e);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Closes the file a loaded checkpoint reads its sections from.</summary>
    public void Dispose()
    {
        file?.Dispose();
        file = null;
    }

    private Section Find(string name) => sections.TryGetValue(name, out var section)
        ? section
        : throw new InvalidDataException($"checkpoint {(source is null ? "" : source + " ")}has no '{name}' section (it has: {string.Join(", ", sections.Keys)}).");

    private Stream Open(Section section) => new SectionStream(
        file ?? throw new ObjectDisposedException(nameof(Checkpoint), $"checkpoint {source} was disposed; load it again to read its sections."),
        section.Offset, section.Length);

    private void WriteBody(FileStream stream)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(sections.Count);
        foreach (var (name, section) in sections)
        {
            writer.Write(name);
            writer.Flush();
            long lengthAt = stream.Position;
            writer.Write(0);
            if (section.Write is { } write)
                write(writer);
            else if (section.Data is { } data)
                writer.Write(data);
            else
                Open(section).CopyTo(stream);
            writer.Flush();
            long end = stream.Position, size = end - lengthAt - sizeof(int);
            if (size > int.MaxValue) throw new InvalidDataException($"checkpoint section '{name}' is {size} bytes; the format allows 2 GiB per section.");
            stream.Position = lengthAt;
            writer.Write((int)size);
            writer.Flush();
            stream.Position = end;
        }
    }

    /// <summary>A section: bytes in memory, a writer run at save time, or a range of the loaded file.</summary>
    private sealed record Section(byte[]? Data, Action<BinaryWriter>? Write, long Offset, int Length);

    /// <summary>A read-only window on a range of the checkpoint file.</summary>
    private sealed class SectionStream(FileStream file, long offset, int length) : Stream
    {
        private long position;

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => length;

        public override long Position
        {
            get => position;
            set => position = Math.Clamp(value, 0, length);
        }

        public override int Read(byte[] buffer, int start, int count) => Read(buffer.AsSpan(start, count));

        public override int Read(Span<byte> buffer)
        {
            int n = (int)Math.Min(buffer.Length, length - position);
            if (n <= 0) return 0;
            file.Position = offset + position;
            int read = file.Read(buffer[..n]);
            position += read;
            return read;
        }

        public override long Seek(long to, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => to,
            SeekOrigin.Current => position + to,
            _ => length + to,
        };

        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int start, int count) => throw new NotSupportedException();
    }
}
