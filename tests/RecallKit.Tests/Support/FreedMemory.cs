using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Support;

/// <summary>
/// Leaves <paramref name="value"/> in memory the allocator will hand out next: tensors from 4 kB to 2 MB filled and freed.
/// A kernel that reads memory it never wrote then returns values built from it, where a fresh process's zeroed pages hide it.
/// </summary>
internal static class FreedMemory
{
    public static void Fill(float value)
    {
        using var fill = value.ToScalar();
        for (int p = 0; p < 4; p++)
        {
            using var block = full([1L << (10 + 3 * p)], fill);
        }
    }
}
