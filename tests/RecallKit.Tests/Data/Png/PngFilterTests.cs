using RecallKit.Vision.Data.Png;

namespace RecallKit.Tests.Data.Png;

/// <summary>The vectorised unfiltering against the PNG specification's byte-by-byte definition, on random rows.</summary>
public sealed class PngFilterTests
{
    /// <summary>The specification's reconstruction, one byte at a time.</summary>
    private static byte[] Reference(int filter, byte[] raw, byte[] prior, int bpp)
    {
        var row = new byte[raw.Length];
        for (int i = 0; i < raw.Length; i++)
        {
            int a = i >= bpp ? row[i - bpp] : 0, b = prior[i], c = i >= bpp ? prior[i - bpp] : 0;
            int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
            int predictor = filter switch
            {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) / 2,
                _ => pa <= pb && pa <= pc ? a : pb <= pc ? b : c,
            };
            row[i] = (byte)(raw[i] + predictor);
        }
        return row;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public void EveryFilterReconstructsWhatTheSpecificationDefinesForEveryRowLength(int bpp)
    {
        var random = new Random(bpp);
        for (int pixels = 1; pixels <= 70; pixels++)
            for (int filter = 0; filter <= 4; filter++)
                for (int trial = 0; trial < 4; trial++)
                {
                    var raw = new byte[pixels * bpp];
                    var prior = new byte[pixels * bpp];
                    random.NextBytes(raw);
                    // Extremes and ties matter for Paeth: some rows of constants, some random.
                    if (trial == 1) Array.Fill(prior, (byte)255);
                    else random.NextBytes(prior);
                    if (trial == 2) Array.Fill(raw, (byte)0);
                    var row = new byte[raw.Length];
                    Assert.True(PngRowFilters.Unfilter((byte)filter, raw, prior, row, bpp));
                    Assert.Equal(Reference(filter, raw, prior, bpp), row);
                }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public void TwoPaethRowsDecodedTogetherEqualTheSpecificationRowByRow(int bpp)
    {
        var random = new Random(10 + bpp);
        for (int pixels = 1; pixels <= 40; pixels++)
            for (int trial = 0; trial < 4; trial++)
            {
                var raw0 = new byte[pixels * bpp];
                var raw1 = new byte[pixels * bpp];
                var prior = new byte[pixels * bpp];
                random.NextBytes(raw0);
                random.NextBytes(raw1);
                if (trial == 1) Array.Fill(prior, (byte)255);
                else if (trial != 2) random.NextBytes(prior);
                if (trial == 3) Array.Fill(raw1, (byte)0);
                var row0 = new byte[raw0.Length];
                var row1 = new byte[raw1.Length];
                PngRowFilters.PaethPair(raw0, raw1, prior, row0, row1, bpp);
                var expected0 = Reference(4, raw0, prior, bpp);
                Assert.Equal(expected0, row0);
                Assert.Equal(Reference(4, raw1, expected0, bpp), row1);
            }
    }

    [Fact]
    public void AnUnknownFilterTypeIsRefused()
    {
        var row = new byte[3];
        Assert.False(PngRowFilters.Unfilter(5, new byte[3], new byte[3], row, 3));
    }
}
