using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace RecallKit.Vision.Distributed;

/// <summary>Tensor helpers over <see cref="IDistributed"/> (CPU tensors, in place).</summary>
public static class DistributedTensors
{
    /// <summary>
    /// The ranks of this process: MPI when it runs under <c>mpirun</c> with more than one rank (<c>OMPI_COMM_WORLD_SIZE</c> &gt; 1),
    /// otherwise <see cref="SingleProcess"/>. A program calls it once and passes the result to what it runs (there is no
    /// process-wide instance); it disposes an MPI one at the end.
    /// </summary>
    public static IDistributed Start()
    {
        var size = Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") ?? Environment.GetEnvironmentVariable("PMIX_SIZE");
        return int.TryParse(size, out var k) && k > 1 ? MpiDistributed.Initialize() : SingleProcess.Instance;
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
