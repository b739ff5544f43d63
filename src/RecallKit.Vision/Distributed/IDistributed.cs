namespace RecallKit.Vision.Distributed;

/// <summary>
/// The processes of a data-parallel run: this process's rank among <see cref="Size"/>, and the collective operations the
/// trainer needs. Every rank must call the collectives in the same order.
/// </summary>
public interface IDistributed : IDisposable
{
    /// <summary>This process's rank, 0 … Size − 1; rank 0 writes checkpoints, logs and metrics.</summary>
    int Rank { get; }

    /// <summary>Number of processes (1 without MPI).</summary>
    int Size { get; }

    /// <summary>Replaces every element by its sum over the ranks.</summary>
    void AllReduceSum(Span<float> values);

    /// <inheritdoc cref="AllReduceSum(Span{float})" />
    void AllReduceSum(Span<double> values);

    /// <inheritdoc cref="AllReduceSum(Span{float})" />
    void AllReduceSum(Span<long> values);

    /// <summary>Copies <paramref name="data"/> of rank <paramref name="root"/> to every rank.</summary>
    void Broadcast(Span<byte> data, int root = 0);

    /// <summary>Returns when every rank has called it.</summary>
    void Barrier();

    /// <summary>Ends every rank of the run with <paramref name="code"/> (an error on one rank must not leave the others waiting).</summary>
    void Abort(int code);

    /// <summary>The all-reduces and broadcasts of this process so far: calls, bytes it contributed, time spent in them (waits included).</summary>
    CollectiveTraffic Traffic => CollectiveTraffic.None;
}
