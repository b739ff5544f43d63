using System.Security.Cryptography;
using System.Text;

namespace RecallKit.Vision.Training;

/// <summary>
/// A checkpoint file: named binary sections (config, progress, model, optimiser, loss state) followed by a SHA-256 of
/// everything before it. Written to a temporary file, flushed to disk and renamed over the target, so a crash during a write
/// leaves the previous checkpoint intact; a truncated or altered file is detected on load.
/// </summary>
public sealed class Checkpoint
{
    private static readonly byte[] Magic = "RECALLKIT-CKPT-1\n"u8.ToArray();
    private const int HashLength = 32;

    private readonly Dictionary<string, byte[]> sections = new(StringComparer.Ordinal);

    /// <summary>Section names in this checkpoint.</summary>
    public IReadOnlyCollection<string> Sections => sections.Keys;

    /// <summary>Adds or replaces a section.</summary>
    public void Set(string name, byte[] data) => sections[name] = data;

    /// <summary>Adds or replaces a UTF-8 text section.</summary>
    public void SetText(string name, string text) => sections[name] = Encoding.UTF8.GetBytes(text);

    /// <summary>Adds a section written by <paramref name="write"/> (e.g. <c>module.save(writer)</c>).</summary>
    public void Set(string name, Action<BinaryWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            write(writer);
        }
        sections[name] = stream.ToArray();
    }

    /// <summary>The bytes of a section; a missing section is an error naming the file's sections.</summary>
    public byte[] Get(string name) => sections.TryGetValue(name, out var data)
        ? data
        : throw new InvalidDataException($"checkpoint has no '{name}' section (it has: {string.Join(", ", sections.Keys)}).");

    /// <summary>A UTF-8 text section.</summary>
    public string GetText(string name) => Encoding.UTF8.GetString(Get(name));

    /// <summary>Whether a section exists.</summary>
    public bool Has(string name) => sections.ContainsKey(name);

    /// <summary>Reads a section with <paramref name="read"/> (e.g. <c>module.load(reader)</c>).</summary>
    public void Read(string name, Action<BinaryReader> read)
    {
        using var stream = new MemoryStream(Get(name), writable: false);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        read(reader);
    }

    /// <summary>Writes atomically: temporary file in the same directory, flush to disk, rename.</summary>
    public void Save(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                var body = Serialize();
                stream.Write(body);
                stream.Write(SHA256.HashData(body));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>Loads and verifies a checkpoint; a truncated or corrupt file raises <see cref="InvalidDataException"/> naming it.</summary>
    public static Checkpoint Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint {path} does not exist.", path);
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < Magic.Length + HashLength || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new InvalidDataException($"{path} is not a RecallKit checkpoint (or is truncated to {bytes.Length} bytes).");
        var body = bytes.AsSpan(0, bytes.Length - HashLength);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - HashLength)))
            throw new InvalidDataException($"{path} is truncated or corrupt: its SHA-256 does not match (size {bytes.Length} bytes).");
        var checkpoint = new Checkpoint();
        using var reader = new BinaryReader(new MemoryStream(body.ToArray()), Encoding.UTF8);
        reader.ReadBytes(Magic.Length);
        int count = reader.ReadInt32();
        for (int i = 0; i < count; i++)
        {
            var name = reader.ReadString();
            int length = reader.ReadInt32();
            checkpoint.sections[name] = reader.ReadBytes(length);
        }
        return checkpoint;
    }

    private byte[] Serialize()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(sections.Count);
            foreach (var (name, data) in sections)
            {
                writer.Write(name);
                writer.Write(data.Length);
                writer.Write(data);
            }
        }
        return stream.ToArray();
    }
}
