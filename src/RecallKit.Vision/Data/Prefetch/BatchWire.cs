using System.Buffers;
using System.Runtime.InteropServices;

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

    /// <summary>How labels travel: the narrowest of these that holds every label of the batch, widened to int64 on receipt.</summary>
    public enum LabelWidth : byte
    {
        Byte = 1,
        Int16 = 2,
    }

    /// <summary>
    /// Writes a batch record: labels are checked before any byte reaches the pipe. Labels travel as bytes when they all lie in
    /// 0–255 (class ids and the usual ignore id 255: an eighth of int64), as int16 otherwise (−100 fits).
    /// </summary>
    public static void WriteBatch(BinaryWriter writer, ImageBatch batch)
    {
        var width = NarrowestWidth(batch);
        writer.Write(Magic);
        writer.Write((byte)Kind.Batch);
        writer.Write(batch.Count);
        writer.Write(batch.Height);
        writer.Write(batch.Width);
        writer.Write(batch.Channels);
        writer.Write(batch.ImageLabels);
        writer.Write(batch.Ids.Count);
        foreach (var id in batch.Ids) writer.Write(id);
        writer.Write(batch.Images.Length);
        writer.Write(MemoryMarshal.AsBytes(batch.Images.AsSpan()));
        writer.Write((byte)width);
        writer.Write(batch.Labels.Length);
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            int perChunk = ChunkBytes / (int)width;
            for (int start = 0; start < batch.Labels.Length; start += perChunk)
            {
                var labels = batch.Labels.AsSpan(start, Math.Min(perChunk, batch.Labels.Length - start));
                if (width == LabelWidth.Byte)
                    for (int i = 0; i < labels.Length; i++) chunk[i] = (byte)labels[i];
                else
                {
                    var shorts = MemoryMarshal.Cast<byte, short>(chunk.AsSpan(0, 2 * labels.Length));
                    for (int i = 0; i < labels.Length; i++) shorts[i] = (short)labels[i];
                }
                writer.Write(chunk, 0, labels.Length * (int)width);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        writer.Flush();
    }

    private const int ChunkBytes = 1 << 16;

    private static LabelWidth NarrowestWidth(ImageBatch batch)
    {
        long min = 0, max = 0;
        foreach (var label in batch.Labels)
        {
            min = Math.Min(min, label);
            max = Math.Max(max, label);
        }
        if (min >= 0 && max <= byte.MaxValue) return LabelWidth.Byte;
        foreach (var label in batch.Labels)
            if (label is < short.MinValue or > short.MaxValue)
                throw new InvalidDataException($"label {label} of batch {string.Join(", ", batch.Ids.Take(3))} does not fit the data worker's 16-bit labels.");
        return LabelWidth.Int16;
    }

    /// <summary>Reads the labels a chunk at a time through a pooled buffer, widening them into <paramref name="labels"/>.</summary>
    private static void ReadLabels(Stream stream, LabelWidth width, long[] labels)
    {
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            int perChunk = ChunkBytes / (int)width;
            for (int start = 0; start < labels.Length; start += perChunk)
            {
                var target = labels.AsSpan(start, Math.Min(perChunk, labels.Length - start));
                var bytes = chunk.AsSpan(0, target.Length * (int)width);
                stream.ReadExactly(bytes);
                if (width == LabelWidth.Byte)
                    for (int i = 0; i < target.Length; i++) target[i] = bytes[i];
                else
                {
                    var shorts = MemoryMarshal.Cast<byte, short>(bytes);
                    for (int i = 0; i < target.Length; i++) target[i] = shorts[i];
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
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
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(images.AsSpan()));
        var labelWidth = (LabelWidth)reader.ReadByte();
        if (labelWidth is not (LabelWidth.Byte or LabelWidth.Int16)) throw new InvalidDataException($"the data worker sent labels of an unknown width {(byte)labelWidth}.");
        var labels = new long[reader.ReadInt32()];
        ReadLabels(reader.BaseStream, labelWidth, labels);
        return new Record(kind, new ImageBatch(images, labels, count, height, width, ids, channels, imageLabels));
    }
}
