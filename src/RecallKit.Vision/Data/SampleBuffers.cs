namespace RecallKit.Vision.Data;

/// <summary>
/// Arrays a thread reuses for one decoded sample after another (image bytes, label bytes, train ids): on a busy machine a fresh
/// multi-megabyte array costs more in page faults than decoding into it. A sample loaded into them is valid only until the
/// same thread loads the next one, so only callers that are done with each sample before loading another use them (training
/// batches render each sample into the batch at once).
/// </summary>
internal sealed class SampleBuffers
{
    private byte[] rgb = [], labelBytes = [];
    private int[] ids = [];

    /// <summary>Buffers of the calling thread.</summary>
    public static SampleBuffers ForThisThread => current ??= new SampleBuffers();

    [ThreadStatic]
    private static SampleBuffers? current;

    /// <summary>An array of exactly <paramref name="length"/> bytes for the interleaved RGB image (contents undefined).</summary>
    public byte[] Rgb(int length) => rgb.Length == length ? rgb : rgb = GC.AllocateUninitializedArray<byte>(length);

    /// <summary>An array of exactly <paramref name="length"/> bytes for label values as stored (contents undefined).</summary>
    public byte[] LabelBytes(int length) => labelBytes.Length == length ? labelBytes : labelBytes = GC.AllocateUninitializedArray<byte>(length);

    /// <summary>An array of exactly <paramref name="length"/> train ids (contents undefined).</summary>
    public int[] Ids(int length) => ids.Length == length ? ids : ids = GC.AllocateUninitializedArray<int>(length);
}
