using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RecallKit.Vision.Data.Png;

/// <summary>
/// Reverses PNG's scanline filters (None, Sub, Up, Average, Paeth) at 8 bits per sample. Up is vectorised across the row; Average
/// and Paeth for 3- and 4-byte pixels one pixel per vector (16-bit lanes, one per channel), since each pixel depends on the one
/// to its left; 1-byte pixels are scalar.
/// </summary>
internal static class PngRowFilters
{
    /// <summary>Writes the unfiltered <paramref name="row"/> from its filtered bytes and the unfiltered row above.</summary>
    /// <param name="filter">The row's filter type byte.</param>
    /// <param name="raw">Filtered bytes (without the filter type byte).</param>
    /// <param name="prior">The unfiltered row above (zeros for the first row).</param>
    /// <param name="row">Output, same length as <paramref name="raw"/>; must not overlap <paramref name="raw"/> or <paramref name="prior"/>.</param>
    /// <param name="bpp">Bytes per pixel: 1, 3 or 4.</param>
    /// <returns>False for an unknown filter type.</returns>
    public static bool Unfilter(byte filter, ReadOnlySpan<byte> raw, ReadOnlySpan<byte> prior, Span<byte> row, int bpp)
    {
        switch (filter)
        {
            case 0:
                raw.CopyTo(row);
                return true;
            case 1:
                Sub(raw, row, bpp);
                return true;
            case 2:
                Up(raw, prior, row);
                return true;
            case 3:
                if (bpp == 1) ScalarTail(3, raw, prior, row, 1, 0);
                else Average(raw, prior, row, bpp);
                return true;
            case 4:
                if (bpp == 1) Paeth1(raw, prior, row);
                else Paeth(raw, prior, row, bpp);
                return true;
            default:
                return false;
        }
    }

    private static void Sub(ReadOnlySpan<byte> raw, Span<byte> row, int bpp)
    {
        int n = raw.Length;
        for (int i = 0; i < Math.Min(bpp, n); i++) row[i] = raw[i];
        for (int i = bpp; i < n; i++) row[i] = (byte)(raw[i] + row[i - bpp]);
    }

    private static void Up(ReadOnlySpan<byte> raw, ReadOnlySpan<byte> prior, Span<byte> row)
    {
        int n = raw.Length, i = 0;
        ref byte r = ref Unsafe.AsRef(in raw[0]);
        ref byte p = ref Unsafe.AsRef(in prior[0]);
        ref byte o = ref row[0];
        if (Vector256.IsHardwareAccelerated)
            for (; i + 32 <= n; i += 32)
                (Vector256.LoadUnsafe(ref r, (nuint)i) + Vector256.LoadUnsafe(ref p, (nuint)i)).StoreUnsafe(ref o, (nuint)i);
        for (; i + 16 <= n; i += 16)
            (Vector128.LoadUnsafe(ref r, (nuint)i) + Vector128.LoadUnsafe(ref p, (nuint)i)).StoreUnsafe(ref o, (nuint)i);
        for (; i < n; i++) row[i] = (byte)(raw[i] + prior[i]);
    }

    /// <summary>Four bytes at <paramref name="i"/> widened to 16-bit lanes (lanes 4–7 are not used).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<short> Load4(ReadOnlySpan<byte> bytes, int i) =>
        Vector128.WidenLower(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref MemoryMarshal.GetReference(bytes), i))).AsByte()).AsInt16();

    /// <summary>Stores lanes 0–3 as bytes at <paramref name="i"/>; for 3-byte pixels the fourth byte is overwritten by the next pixel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4(Span<byte> bytes, int i, Vector128<short> value) =>
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref MemoryMarshal.GetReference(bytes), i), Vector128.Narrow(value.AsUInt16(), value.AsUInt16()).AsUInt32().ToScalar());

    private static void Average(ReadOnlySpan<byte> raw, ReadOnlySpan<byte> prior, Span<byte> row, int bpp)
    {
        int n = raw.Length, x = 0;
        var a = Vector128<short>.Zero;
        var low = Vector128.Create((short)0xFF);
        for (; x + 4 <= n; x += bpp)
        {
            a = (Load4(raw, x) + ((a + Load4(prior, x)) >>> 1)) & low;
            Store4(row, x, a);
        }
        ScalarTail(3, raw, prior, row, bpp, x);
    }

    private static void Paeth(ReadOnlySpan<byte> raw, ReadOnlySpan<byte> prior, Span<byte> row, int bpp)
    {
        int n = raw.Length, x = 0;
        Vector128<short> a = Vector128<short>.Zero, c = Vector128<short>.Zero;
        var low = Vector128.Create((short)0xFF);
        for (; x + 4 <= n; x += bpp)
        {
            // Only pb, pc and the choices after them depend on a (the pixel just decoded): the chain from one pixel to the next is short.
            var b = Load4(prior, x);
            var bc = b - c;
            var pa = Vector128.Abs(bc);
            var ac = a - c;
            Vector128<short> pb = Vector128.Abs(ac), pc = Vector128.Abs(bc + ac);
            var bOrC = Vector128.ConditionalSelect(Vector128.LessThanOrEqual(pb, pc), b, c);
            var predictor = Vector128.ConditionalSelect(Vector128.LessThanOrEqual(pa, Vector128.Min(pb, pc)), a, bOrC);
            a = (Load4(raw, x) + predictor) & low;
            Store4(row, x, a);
            c = b;
        }
        ScalarTail(4, raw, prior, row, bpp, x);
    }

    private static void Paeth1(ReadOnlySpan<byte> raw, ReadOnlySpan<byte> prior, Span<byte> row)
    {
        int a = 0, c = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            int b = prior[i];
            a = (raw[i] + PaethPredictor(a, b, c)) & 0xFF;
            row[i] = (byte)a;
            c = b;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int PaethPredictor(int a, int b, int c)
    {
        int pa = Math.Abs(b - c), pb = Math.Abs(a - c), pc = Math.Abs(a + b - 2 * c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    /// <summary>Average (3) or Paeth (4) for bytes <paramref name="start"/> onwards, byte by byte.</summary>
    private static void ScalarTail(int filter, ReadOnlySpan<byte> raw, ReadOnlySpan<byte> prior, Span<byte> row, int bpp, int start)
    {
        for (int i = start; i < raw.Length; i++)
        {
            int a = i >= bpp ? row[i - bpp] : 0, b = prior[i], c = i >= bpp ? prior[i - bpp] : 0;
            row[i] = (byte)(raw[i] + (filter == 3 ? (a + b) >> 1 : PaethPredictor(a, b, c)));
        }
    }
}
