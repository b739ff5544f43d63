namespace RecallKit.Vision.Data;

/// <summary>
/// Stable seed derivation (SplitMix64). Unlike <see cref="HashCode.Combine{T1,T2}"/>, which is randomised per process,
/// the same inputs give the same seed in every process, so a resumed run replays the same data order and augmentation.
/// </summary>
public static class Seeds
{
    /// <summary>A seed derived from the given parts.</summary>
    public static int Derive(params long[] parts)
    {
        ulong h = 0x9E3779B97F4A7C15UL;
        foreach (var part in parts)
        {
            h ^= (ulong)part + 0x9E3779B97F4A7C15UL + (h << 6) + (h >> 2);
            h = Mix(h);
        }
        return (int)(h & 0x7FFFFFFF);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
