
namespace RecallKit.Vision.Data.Prefetch;

/// <summary>The records a data worker process writes: batches, skipped files, errors and the end of an epoch.</summary>
internal static class BatchWire
{
    private const int Magic = 0x524B4231; // "RKB1"

    public enum Kind : byte
    {
        Batch = 1,
        Skipped = 2,
        Error = 3,
        End = 4,
    }

    public sealed record Record(Kind Kind, ImageBatch? Batch = null, string? First = null, string? Second = null);

    /// <summary>Writes a whole batch record at once: labels are checked before any byte reaches the pipe.</summary>
    public static void WriteBatch(BinaryWriter writer, ImageBatch batch)
    {
        // Labels travel as int16 (a quarter of the bytes): class ids, 255 and −100 all fit.
        var shorts = new short[batch.Labels.Length];
        for (int i = 0; i < shorts.Length; i++)
            shorts[i] = batch.Labels[i] is >= short.MinValue and <= short.MaxValue
                ? (short)batch.Labels[i]
                : throw new InvalidDataException($"label {batch.Labels[i]} of batch {string.Join(", ", batch.Ids.Take(3))} does not fit the data worker's 16-bit labels.");
        using var buffer = new MemoryStream();
        using (var record = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            record.Write(Magic);
            record.Write((byte)Kind.Batch);
            record.Write(batch.Count);
            record.Write(batch.Height);
            record.Write(batch.Width);
            record.Write(batch.Channels);
            record.Write(batch.ImageLabels);
            record.Write(batch.Ids.Count);
            foreach (var id in batch.Ids) record.Write(id);
            record.Write(batch.Images.Length);
            record.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(batch.Images.AsSpan()));
            record.Write(shorts.Length);
            record.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(shorts.AsSpan()));
        }
        writer.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
        writer.Flush();
    }

    public static void WriteText(BinaryWriter writer, Kind kind, string first = "", string second = "")
    {
        writer.Write(Magic);
        writer.Write((byte)kind);
        writer.Write(first);
        writer.Write(second);
        writer.Flush();
    }

    /// <summary>The next record; <see cref="EndOfStreamException"/> when the worker has gone.</summary>
    public static Record Read(BinaryReader reader)
    {
        if (reader.ReadInt32() != Magic) throw new InvalidDataException("the data worker sent a malformed record.");
        var kind = (Kind)reader.ReadByte();
        if (kind is not (Kind.Batch or Kind.Skipped or Kind.Error or Kind.End))
            throw new InvalidDataException($"the data worker sent an unknown record kind {(byte)kind}.");
        if (kind != Kind.Batch) return new Record(kind, null, reader.ReadString(), reader.ReadString());
        int count = reader.ReadInt32(), height = reader.ReadInt32(), width = reader.ReadInt32(), channels = reader.ReadInt32();
        bool imageLabels = reader.ReadBoolean();
        var ids = new string[reader.ReadInt32()];
        for (int i = 0; i < ids.Length; i++) ids[i] = reader.ReadString();
        var images = new float[reader.ReadInt32()];
        reader.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(images.AsSpan()));
        var shorts = new short[reader.ReadInt32()];
        reader.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(shorts.AsSpan()));
        var labels = new long[shorts.Length];
        for (int i = 0; i < labels.Length; i++) labels[i] = shorts[i];
        return new Record(kind, new ImageBatch(images, labels, count, height, width, ids, channels, imageLabels));
    }
}
