using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RecallKit.Runtime;

/// <summary>
/// Runs the work items of RecallKit's CPU kernels on libtorch's own OpenMP threads (through <c>GOMP_parallel</c> of the
/// OpenMP runtime libtorch loaded, the entry point GCC's <c>#pragma omp parallel</c> compiles to), as libtorch's
/// <c>at::parallel_for</c> does; <see cref="Parallel.For(long, long, ParallelOptions, Action{long})"/> where no such runtime is loaded.
/// </summary>
/// <remarks>
/// After every parallel libtorch operation its OpenMP workers spin for a while before they sleep. A kernel run on .NET's
/// thread pool right after one (a loss after the network's forward pass, a gradient after a reduction) then shared its cores
/// with those spinning workers: on the 2-core development VM the fused recall loss at [128,8142] took 1.6 ms instead of
/// 0.65 ms, whereas on the OpenMP threads themselves the spinning workers pick the work up at once.
/// </remarks>
internal static unsafe class TorchThreads
{
    private static readonly Lazy<nint> GompParallel = new(FindGompParallel);

    /// <summary>Set to false to run on .NET's thread pool (for tests that compare the two schedulers).</summary>
    internal static bool UseOpenMp { get; set; } = true;

    /// <summary>libtorch's intra-op thread count (at least 1): how many threads the kernels use.</summary>
    public static int Count => Math.Max(1, TorchSharp.torch.get_num_threads());

    /// <summary>Whether the OpenMP runtime of libtorch was found (after the first tensor exists).</summary>
    internal static bool OpenMpAvailable => GompParallel.Value != 0;

    /// <summary>
    /// Calls <paramref name="body"/> once for each item in [0, items) on up to <paramref name="threads"/> threads; each
    /// thread gets its own <paramref name="init"/> state, handed to <paramref name="finish"/> (under a lock) when it is done.
    /// The first exception thrown by any item is rethrown here once every thread has stopped.
    /// </summary>
    public static void For<TLocal>(long items, int threads, Func<TLocal> init, Action<long, TLocal> body, Action<TLocal> finish)
    {
        if (items <= 0) return;
        if (threads <= 1 || items == 1)
        {
            var local = init();
            for (long i = 0; i < items; i++) body(i, local);
            finish(local);
            return;
        }
        var gate = new object();
        if (!UseOpenMp || GompParallel.Value == 0)
        {
            Parallel.For(0, items, new ParallelOptions { MaxDegreeOfParallelism = threads }, init,
                (i, _, local) => { body(i, local); return local; }, local => { lock (gate) finish(local); });
            return;
        }
        var work = new Work<TLocal>(items, init, body, finish);
        var handle = GCHandle.Alloc(work);
        try
        {
            var parallel = (delegate* unmanaged<delegate* unmanaged<nint, void>, nint, uint, uint, void>)GompParallel.Value;
            parallel(&RunWork, GCHandle.ToIntPtr(handle), (uint)Math.Min(threads, items), 0);
        }
        finally
        {
            handle.Free();
        }
        work.RethrowFailure();
    }

    [UnmanagedCallersOnly]
    private static void RunWork(nint data) => ((IWork)GCHandle.FromIntPtr(data).Target!).Run();

    private interface IWork
    {
        /// <summary>Runs on each OpenMP thread of the team; must not throw (there is no managed frame to catch it).</summary>
        void Run();
    }

    /// <summary>Items are handed out one at a time from a shared counter, so a thread that starts late takes fewer.</summary>
    private sealed class Work<TLocal>(long items, Func<TLocal> init, Action<long, TLocal> body, Action<TLocal> finish) : IWork
    {
        private long _next = -1;
        private Exception? _failure;
        private readonly object _gate = new();

        public void Run()
        {
            try
            {
                var local = init();
                for (long i; Volatile.Read(ref _failure) is null && (i = Interlocked.Increment(ref _next)) < items;) body(i, local);
                lock (_gate) finish(local);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, e, null);
            }
        }

        public void RethrowFailure()
        {
            if (_failure is { } e) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e).Throw();
        }
    }

    /// <summary>The <c>GOMP_parallel</c> export of the OpenMP runtime mapped into this process (libgomp, or Intel's libiomp5, which exports it too).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static nint FindGompParallel()
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return 0;
        try
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                int slash = line.IndexOf('/');
                if (slash < 0) continue;
                var path = line[slash..];
                var name = Path.GetFileName(path);
                if (!(name.StartsWith("libgomp", StringComparison.Ordinal) || name.StartsWith("libiomp5", StringComparison.Ordinal))) continue;
                if (NativeLibrary.TryLoad(path, out var library) && NativeLibrary.TryGetExport(library, "GOMP_parallel", out var entry))
                    return entry;
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }
}
