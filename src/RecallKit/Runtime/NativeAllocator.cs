using System.Runtime.InteropServices;

namespace RecallKit.Runtime;

/// <summary>
/// Tunes glibc's allocator, which libtorch uses for CPU tensors, to keep freed memory for reuse.
/// </summary>
/// <remarks>
/// By default glibc serves large blocks with mmap and returns them to the system on free, so every training step
/// page-faults its activations and gradients in anew. On the 2-core Debian VM this project is developed on, that made a
/// [8,19,256,512] cross-entropy forward+backward take ≈ 500 ms instead of ≈ 45 ms (see README, benchmarks). Keeping freed
/// memory (no mmap for allocations, no trimming) removes that cost; the price is that the process's resident size stays
/// at its peak. Call it once at start-up, before the first tensor; the <c>recallkit</c> command does.
/// </remarks>
public static class NativeAllocator
{
    private const int M_TRIM_THRESHOLD = -1;
    private const int M_MMAP_MAX = -4;

    /// <summary>Whether <see cref="RetainFreedMemory"/> took effect in this process.</summary>
    public static bool Retaining { get; private set; }

    /// <summary>On Linux with glibc, stop returning freed memory to the system; elsewhere does nothing. Returns whether it applied.</summary>
    public static bool RetainFreedMemory()
    {
        if (Retaining) return true;
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return false;
        try
        {
            Retaining = mallopt(M_MMAP_MAX, 0) == 1 && mallopt(M_TRIM_THRESHOLD, int.MaxValue) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            Retaining = false; // not glibc (e.g. musl): nothing to tune
        }
        return Retaining;
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int param, int value);
}
