using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace RecallKit.Runtime;

/// <summary>Raw access to the data of contiguous CPU tensors, for RecallKit's CPU kernels.</summary>
internal static unsafe class TensorData
{
    /// <summary>The first element of a contiguous CPU tensor (libtorch memory: no pinning needed while the tensor is alive).</summary>
    public static T* Pointer<T>(Tensor t) where T : unmanaged => (T*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(t.bytes));
}
