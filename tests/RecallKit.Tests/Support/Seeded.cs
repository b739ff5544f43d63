using System.Collections.Concurrent;
using TorchSharp;

namespace RecallKit.Tests.Support;

/// <summary>
/// Seeded generators that stay alive. TorchSharp passes a Generator's native handle to libtorch without keeping the object
/// alive, and its finalizer frees the native generator: <c>randn(…, generator: Support.Seeded.Generator(1))</c> can have the generator
/// collected while libtorch draws from it (the same hazard as temporary Scalars, rule RK0001) — seen as NaN inputs under the
/// allocation pressure of the full suite. Generators from here are kept for the test process.
/// </summary>
internal static class Seeded
{
    private static readonly ConcurrentBag<torch.Generator> Alive = [];

    /// <summary>A new generator seeded with <paramref name="seed"/>, never collected.</summary>
    public static torch.Generator Generator(ulong seed)
    {
        var generator = new torch.Generator(seed);
        Alive.Add(generator);
        return generator;
    }
}
