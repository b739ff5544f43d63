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

    /// <summary>
    /// Two consecutive Paeth rows at once: lanes 0–3 decode pixel i of <paramref name="row0"/> while lanes 4–7 decode pixel i − 1
    /// of <paramref name="row1"/>, whose pixels above (i − 1 and i − 2 of row0) are known by then. Two independent chains in one
    /// vector: each step costs what one pixel of <see cref="Paeth"/> costs.
    /// </summary>
    /// <param name="raw0">Filtered bytes of the first row.</param>
    /// <param name="raw1">Filtered bytes of the second row.</param>
    /// <param name="prior">The unfiltered row above the first.</param>
    /// <param name="row0">Output: the first row; must not overlap the other spans.</param>
    /// <param name="row1">Output: the second row; must not overlap the other spans.</param>
    /// <param name="bpp">Bytes per pixel: 3 or 4.</param>
    public static void PaethPair(ReadOnlySpan<byte> raw0, ReadOnlySpan<byte> raw1, ReadOnlySpan<byte> prior, Span<byte> row0, Span<byte> row1, int bpp)
    {
        if (bpp is not (3 or 4)) throw new ArgumentOutOfRangeException(nameof(bpp), bpp, "pairs of rows are decoded for 3- and 4-byte pixels.");
        int pixels = raw0.Length / bpp;
        var low = Vector128.Create((short)0xFF);
        var firstRowLanes = Vector128.Create(-1, -1, -1, -1, 0, 0, 0, 0);
        Vector128<short> a = Vector128<short>.Zero, b = Vector128<short>.Zero;
        for (int i = 0; i <= pixels; i++)
        {
            int x0 = i * bpp, x1 = x0 - bpp;
            uint above = i < pixels ? Read4(prior, x0) : 0, filtered0 = i < pixels ? Read4(raw0, x0) : 0, filtered1 = i > 0 ? Read4(raw1, x1) : 0;
            var c = b;
            b = Vector128.Create(Widen(above).GetLower(), a.GetLower()); // above row1's pixel i − 1: row0's pixel i − 1, just decoded
            var filtered = Vector128.WidenLower(Vector128.CreateScalarUnsafe(filtered0 | ((ulong)filtered1 << 32)).AsByte()).AsInt16();
            var bc = b - c;
            var pa = Vector128.Abs(bc);
            var ac = a - c;
            Vector128<short> pb = Vector128.Abs(ac), pc = Vector128.Abs(bc + ac);
            var bOrC = Vector128.ConditionalSelect(Vector128.LessThanOrEqual(pb, pc), b, c);
            a = (filtered + Vector128.ConditionalSelect(Vector128.LessThanOrEqual(pa, Vector128.Min(pb, pc)), a, bOrC)) & low;
            if (i == 0) a &= firstRowLanes; // row1 has no pixel −1: left of its pixel 0 is zero
            ulong decoded = Vector128.Narrow(a.AsUInt16(), a.AsUInt16()).AsUInt64().ToScalar();
            if (i < pixels) Write4(row0, x0, (uint)decoded);
            if (i > 0) Write4(row1, x1, (uint)(decoded >> 32));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<short> Widen(uint bytes) => Vector128.WidenLower(Vector128.CreateScalarUnsafe(bytes).AsByte()).AsInt16();

    /// <summary>Four bytes at <paramref name="i"/>, or the three there are at the end of a row of 3-byte pixels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Read4(ReadOnlySpan<byte> bytes, int i) => i + 4 <= bytes.Length
        ? Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref MemoryMarshal.GetReference(bytes), i))
        : (uint)(bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16));

    /// <summary>Four bytes at <paramref name="i"/> (the fourth is the next pixel's, written after), three at the end of a row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Write4(Span<byte> bytes, int i, uint value)
    {
        if (i + 4 <= bytes.Length) Unsafe.WriteUnaligned(ref Unsafe.Add(ref MemoryMarshal.GetReference(bytes), i), value);
        else (bytes[i], bytes[i + 1], bytes[i + 2]) = ((byte)value, (byte)(value >> 8), (byte)(value >> 16));
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
