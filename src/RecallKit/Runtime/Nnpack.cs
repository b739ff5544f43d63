using System.Runtime.InteropServices;

namespace RecallKit.Runtime;

/// <summary>
/// Turns off libtorch's NNPACK convolution path. libtorch tries NNPACK for CPU convolutions without gradients (evaluation,
/// prediction); on CPUs it does not support it prints "Could not initialize NNPACK! Reason: Unsupported hardware." once per
/// convolution — hundreds of lines per image — and falls back to its other kernels. TorchSharp 0.107 has no binding for
/// <c>torch.backends.nnpack.set_flags</c>, so the libtorch context's setter is called directly.
/// </summary>
/// <remarks>
/// Where NNPACK works, convolutions without gradients then use the kernels training uses (the same ones this machine already
/// falls back to), so evaluation runs the arithmetic training validated.
/// </remarks>
public static class Nnpack
{
    /// <summary>Disables NNPACK for this process; returns whether it took effect (false where libtorch lacks the symbol).</summary>
    public static bool Disable()
    {
        try
        {
            TorchSharp.torch.InitializeDeviceType(TorchSharp.DeviceType.CPU); // libtorch loaded by TorchSharp's own loader first
            SetUserEnabledNnpack(GlobalContext(), false);
            return !UserEnabledNnpack(GlobalContext());
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or NotSupportedException or InvalidOperationException)
        {
            return false; // libtorch missing or without the symbol: the command reports a load failure itself when it needs libtorch
        }
    }

    // at::globalContext() and at::Context::{set,}userEnabledNNPACK; a member function takes `this` as its first argument.
    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    private static extern nint GlobalContext();

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static extern void SetUserEnabledNnpack(nint context, [MarshalAs(UnmanagedType.I1)] bool enabled);

    [DllImport("libtorch_cpu", EntryPoint = "_ZNK2at7Context17userEnabledNNPACKEv")]
    [return: MarshalAs(UnmanagedType.I1)]
    private static extern bool UserEnabledNnpack(nint context);
}
