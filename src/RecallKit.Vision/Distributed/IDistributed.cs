using System.Runtime.InteropServices;
using static TorchSharp.torch;

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

/// <summary>Totals of collective calls.</summary>
/// <param name="Calls">All-reduce and broadcast calls.</param>
/// <param name="Bytes">Bytes of this process's buffers in those calls.</param>
/// <param name="Elapsed">Time spent inside them, including the wait for the slowest rank.</param>
public sealed record CollectiveTraffic(long Calls, long Bytes, TimeSpan Elapsed)
{
    /// <summary>Nothing yet.</summary>
    public static CollectiveTraffic None { get; } = new(0, 0, TimeSpan.Zero);

    /// <summary>What happened between <paramref name="before"/> and this.</summary>
    public CollectiveTraffic Since(CollectiveTraffic before) => new(Calls - before.Calls, Bytes - before.Bytes, Elapsed - before.Elapsed);

    /// <summary>Both totals together.</summary>
    public CollectiveTraffic Plus(CollectiveTraffic other) => new(Calls + other.Calls, Bytes + other.Bytes, Elapsed + other.Elapsed);
}

/// <summary>One process: the collectives are identities.</summary>
public sealed class SingleProcess : IDistributed
{
    /// <summary>The instance.</summary>
    public static readonly SingleProcess Instance = new();

    private SingleProcess()
    {
    }

    /// <inheritdoc />
    public int Rank => 0;

    /// <inheritdoc />
    public int Size => 1;

    /// <inheritdoc />
    public void AllReduceSum(Span<float> values)
    {
    }

    /// <inheritdoc />
    public void AllReduceSum(Span<double> values)
    {
    }

    /// <inheritdoc />
    public void AllReduceSum(Span<long> values)
    {
    }

    /// <inheritdoc />
    public void Broadcast(Span<byte> data, int root = 0)
    {
    }

    /// <inheritdoc />
    public void Barrier()
    {
    }

    /// <inheritdoc />
    public void Abort(int code) => Environment.Exit(code);

    /// <inheritdoc />
    public void Dispose()
    {
    }
}

/// <summary>Tensor helpers over <see cref="IDistributed"/> (CPU tensors, in place).</summary>
public static class DistributedTensors
{
    /// <summary>
    /// The process-wide context: <see cref="SingleProcess"/> unless the program started MPI (<see cref="Start"/>).
    /// </summary>
    public static IDistributed Current { get; private set; } = SingleProcess.Instance;

    /// <summary>
    /// Starts MPI when this process runs under <c>mpirun</c> with more than one rank (<c>OMPI_COMM_WORLD_SIZE</c> &gt; 1), and
    /// makes it <see cref="Current"/>; otherwise keeps <see cref="SingleProcess"/>.
    /// </summary>
    public static IDistributed Start()
    {
        if (Current.Size > 1) return Current;
        var size = Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") ?? Environment.GetEnvironmentVariable("PMIX_SIZE");
        if (int.TryParse(size, out var k) && k > 1) Current = MpiDistributed.Initialize();
        return Current;
    }

    /// <summary>Sums a CPU tensor over the ranks in place (float32, float64 or int64; made contiguous first if needed).</summary>
    public static Tensor AllReduceSum(this IDistributed distributed, Tensor tensor)
    {
        if (distributed.Size == 1) return tensor;
        if (tensor.device_type != TorchSharp.DeviceType.CPU)
            throw new NotSupportedException("distributed training all-reduces CPU tensors only (device = cpu).");
        var work = tensor.is_contiguous() ? tensor : tensor.contiguous();
        var bytes = work.bytes;
        switch (work.dtype)
        {
            case ScalarType.Float32: distributed.AllReduceSum(MemoryMarshal.Cast<byte, float>(bytes)); break;
            case ScalarType.Float64: distributed.AllReduceSum(MemoryMarshal.Cast<byte, double>(bytes)); break;
            case ScalarType.Int64: distributed.AllReduceSum(MemoryMarshal.Cast<byte, long>(bytes)); break;
            default: throw new NotSupportedException($"all-reduce of {work.dtype} tensors.");
        }
        if (!ReferenceEquals(work, tensor))
        {
            tensor.copy_(work);
            work.Dispose();
        }
        return tensor;
    }

    /// <summary>Copies rank <paramref name="root"/>'s values of a contiguous CPU tensor to every rank.</summary>
    public static void Broadcast(this IDistributed distributed, Tensor tensor, int root = 0)
    {
        if (distributed.Size == 1) return;
        if (!tensor.is_contiguous() || tensor.device_type != TorchSharp.DeviceType.CPU)
            throw new NotSupportedException("broadcast needs a contiguous CPU tensor.");
        distributed.Broadcast(tensor.bytes, root);
    }

    /// <summary>An all-reduce of per-class counts for the losses' <c>count_reducer</c> hook; null with one process.</summary>
    public static Func<Tensor, Tensor>? CountReducer(IDistributed distributed) =>
        distributed.Size == 1 ? null : counts => distributed.AllReduceSum(counts);

    /// <summary>Whether <paramref name="value"/> is true on any rank.</summary>
    public static bool Any(this IDistributed distributed, bool value)
    {
        if (distributed.Size == 1) return value;
        Span<long> flag = [value ? 1 : 0];
        distributed.AllReduceSum(flag);
        return flag[0] > 0;
    }
}
