using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RecallKit.Tests.Support;

/// <summary>
/// Limits oneDNN (libtorch's CPU convolution library) to AVX2 in the test process and in every process it starts, unless
/// <c>ONEDNN_MAX_CPU_ISA</c> is already set. On the CI machine (AMD EPYC with AVX-512) oneDNN's AVX-512 convolution backward
/// returns non-finite gradients at random: a LiteSeg training of 300 steps ended with NaN weights in 3 of 4 runs with the
/// default ISA and in 0 of 22 with AVX2 (docs/errors.md). The tests compare exact values across runs and processes, so a
/// failure must mean our code, not that kernel.
/// </summary>
internal static class OneDnnIsaPin
{
    private const string Variable = "ONEDNN_MAX_CPU_ISA";

    [ModuleInitializer]
    internal static void Pin()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable))) return;
        Environment.SetEnvironmentVariable(Variable, "AVX2"); // what child processes inherit
        if (!OperatingSystem.IsWindows()) setenv(Variable, "AVX2", 0); // what oneDNN reads in this process (native environment)
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int setenv(string name, string value, int overwrite);
}
