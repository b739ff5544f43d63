using Tensorboard;

namespace RecallKit.Vision.RunFiles;

/// <summary>
/// Reads TensorBoard event files and cuts them back to a step, so that a resumed run's curves have no duplicated steps
/// (the CSV logs are cut the same way by <see cref="CsvLog"/>).
/// </summary>
/// <remarks>
/// Files are TFRecord streams: uint64 length, uint32 masked CRC-32C of the length, the serialised <c>Event</c>, uint32 masked
/// CRC-32C of the data. Records are copied byte for byte, so their checksums stay valid; a record cut short by a crash ends the file.
/// </remarks>
public static class TensorBoardEvents
{
    private const int LengthHeader = 12, DataFooter = 4;

    /// <summary>One logged scalar.</summary>
    public sealed record Scalar(string Tag, long Step, float Value);

    /// <summary>The event files of a directory (searched recursively), oldest first.</summary>
    public static IReadOnlyList<string> Files(string directory) => Directory.Exists(directory)
        ? Directory.GetFiles(directory, "events.out.tfevents.*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".tmp", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray()
        : [];

    /// <summary>Every scalar in the directory's event files, in file order.</summary>
    public static IReadOnlyList<Scalar> Scalars(string directory) =>
        Files(directory).SelectMany(file => Records(File.ReadAllBytes(file)))
            .SelectMany(r => (r.Event.Summary?.Value ?? []).Select(v => new Scalar(v.Tag, r.Event.Step, v.SimpleValue)))
            .ToArray();

    /// <summary>Rewrites every event file of <paramref name="directory"/> without the events logged after <paramref name="step"/>.</summary>
    public static void DropAfter(string directory, long step)
    {
        foreach (var file in Files(directory))
        {
            var bytes = File.ReadAllBytes(file);
            var records = Records(bytes).ToArray();
            var kept = records.Where(r => r.Event.Step <= step).ToArray();
            int intact = records.Length == 0 ? 0 : records[^1].Offset + records[^1].Length;
            if (kept.Length == records.Length && intact == bytes.Length) continue;
            var temporary = file + ".tmp";
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
            {
                foreach (var r in kept) stream.Write(bytes, r.Offset, r.Length);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, file, overwrite: true);
        }
    }

    private readonly record struct Record(int Offset, int Length, Event Event);

    private static IEnumerable<Record> Records(byte[] bytes)
    {
        int offset = 0;
        while (offset + LengthHeader <= bytes.Length)
        {
            long length = BitConverter.ToInt64(bytes, offset);
            if (length < 0 || offset + LengthHeader + length + DataFooter > bytes.Length) yield break; // cut short by a crash
            Event e;
            try
            {
                e = Event.Parser.ParseFrom(bytes, offset + LengthHeader, (int)length);
            }
            catch (Google.Protobuf.InvalidProtocolBufferException)
            {
                yield break;
            }
            int total = LengthHeader + (int)length + DataFooter;
            yield return new Record(offset, total, e);
            offset += total;
        }
    }
}
