namespace RecallKit.Vision.Data.Png;

/// <summary>The data of a PNG's IDAT chunks read as one stream, straight from the file's bytes (no concatenated copy).</summary>
internal sealed class IdatStream(PngLayout png) : Stream
{
    private int chunk;
    private int offset;

    public override int Read(Span<byte> buffer)
    {
        while (chunk < png.Idat.Count)
        {
            var (start, length) = png.Idat[chunk];
            int n = Math.Min(buffer.Length, length - offset);
            if (n > 0)
            {
                png.File.AsSpan(start + offset, n).CopyTo(buffer);
                offset += n;
                return n;
            }
            if (buffer.Length == 0) return 0;
            chunk++;
            offset = 0;
        }
        return 0;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
