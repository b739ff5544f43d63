using System.Runtime.ExceptionServices;

namespace RecallKit.Vision.Data;

/// <summary>
/// Parallel loops over user files that fail like a serial loop: when items throw, the exception of the lowest index is
/// rethrown as itself (its clear message naming the file), never wrapped in an <see cref="AggregateException"/>, and the
/// same one whatever the thread timing (every item below it has run).
/// </summary>
public static class OrderedParallel
{
    /// <summary>Runs <paramref name="body"/> for 0 ≤ i &lt; <paramref name="count"/> in parallel.</summary>
    public static void For(int count, ParallelOptions options, Action<int> body) =>
        For<object?>(count, options, () => null, (i, local) => { body(i); return local; }, _ => { });

    /// <summary>Runs <paramref name="body"/> in parallel with per-thread state, merged by <paramref name="merge"/> (under a lock).</summary>
    public static void For<TLocal>(int count, ParallelOptions options, Func<TLocal> init, Func<int, TLocal, TLocal> body, Action<TLocal> merge)
    {
        int firstFailure = int.MaxValue;
        Exception? failure = null;
        var gate = new object();
        try
        {
            Parallel.For(0, count, options, init, (i, state, local) =>
            {
                if (i > Volatile.Read(ref firstFailure)) return local; // a lower item failed: what follows is not needed
                try
                {
                    return body((int)i, local);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    lock (gate)
                        if (i < firstFailure)
                        {
                            firstFailure = (int)i;
                            failure = e;
                        }
                    state.Break(); // every lower index still runs, so the lowest failure is the one a serial loop meets
                    return local;
                }
            }, local =>
            {
                lock (gate) merge(local);
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count >= 1)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        if (failure is not null) ExceptionDispatchInfo.Capture(failure).Throw();
    }
}
