using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace RecallKit.Onnx;

/// <summary>Opens an ONNX Runtime session on a device, turning every way this can fail into an error that says what to do.</summary>
internal static class OnnxSessions
{
    private const string CudaProvider = "CUDAExecutionProvider";

    private const string CudaRequirements = "https://onnxruntime.ai/docs/execution-providers/CUDA-ExecutionProvider.html#requirements";

    public static InferenceSession Open(string path, int threads, OnnxDevice device)
    {
        EnsureNativeRuntime();
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        if (device == OnnxDevice.Cuda) AppendCuda(options);
        try
        {
            return new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e) when (device == OnnxDevice.Cuda && MentionsCuda(e.Message))
        {
            // The model is parsed before the providers start, so a CUDA failure here is the device's, not the file's.
            throw CudaUnusable(e);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"{path} is not an ONNX model ONNX Runtime can load ({FirstLine(e.Message)}). "
                + "Write one with recallkit export --format onnx; RecallKit checkpoints go to --checkpoint.", e);
        }
    }

    /// <summary>
    /// RecallKit.Onnx references ONNX Runtime's managed API only; a program without a native package fails on the first call.
    /// </summary>
    private static void EnsureNativeRuntime()
    {
        try
        {
            _ = OrtEnv.Instance();
        }
        catch (Exception e) when (e is DllNotFoundException || e.InnerException is DllNotFoundException)
        {
            throw new NotSupportedException("ONNX Runtime's native library (libonnxruntime) is not in this program: add the "
                + "package Microsoft.ML.OnnxRuntime (CPU) or Microsoft.ML.OnnxRuntime.Gpu.Linux (CUDA), version 1.32.0, next to "
                + "RecallKit.Onnx.", e);
        }
    }

    /// <summary>The CUDA provider on GPU 0, or an error: never a silent CPU session instead.</summary>
    private static void AppendCuda(SessionOptions options)
    {
        var providers = OrtEnv.Instance().GetAvailableProviders();
        if (!providers.Contains(CudaProvider))
            throw new NotSupportedException("ONNX Runtime on CUDA needs the GPU build: build with -p:OnnxRuntimeBackend=cuda "
                + "(or -p:TorchBackend=cuda); a program of your own references Microsoft.ML.OnnxRuntime.Gpu.Linux instead of "
                + $"Microsoft.ML.OnnxRuntime. This program has the CPU build (providers: {string.Join(", ", providers)}). "
                + "Or run on the CPU: --device cpu.");
        try
        {
            options.AppendExecutionProvider_CUDA(0);
        }
        catch (OnnxRuntimeException e)
        {
            throw CudaUnusable(e);
        }
    }

    private static InvalidOperationException CudaUnusable(OnnxRuntimeException e) => new(
        $"ONNX Runtime could not start its CUDA execution provider ({FirstLine(e.Message)}{ProviderLibraryError()}). "
        + "It needs an NVIDIA GPU with its driver (libcuda.so.1) and the CUDA 13 libraries it links (libcudart.so.13, "
        + $"libcublas.so.13, libcublasLt.so.13, libcurand.so.10) on the library path, and cuDNN: see ONNX Runtime's CUDA requirements, "
        + $"{CudaRequirements}. Or run on the CPU: --device cpu.", e);

    /// <summary>
    /// ONNX Runtime's exception says only "Failed to load shared library"; loading the provider library, which ONNX Runtime
    /// takes from the folder of its own libonnxruntime.so (Linux: the GPU package has no other), gives the loader's reason on
    /// the last line of the error, e.g. "libcublasLt.so.13: cannot open shared object file: No such file or directory".
    /// </summary>
    private static string ProviderLibraryError()
    {
        if (!File.Exists("/proc/self/maps")) return "";
        var runtime = File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault())
            .FirstOrDefault(f => f is not null && f.EndsWith("/libonnxruntime.so", StringComparison.Ordinal));
        var library = runtime is null ? null : Path.Combine(Path.GetDirectoryName(runtime)!, "libonnxruntime_providers_cuda.so");
        if (library is null || !File.Exists(library)) return "";
        try
        {
            NativeLibrary.Free(NativeLibrary.Load(library));
            return "";
        }
        catch (DllNotFoundException e)
        {
            var reason = e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
            return reason is null || reason.StartsWith("Unable to load", StringComparison.Ordinal) ? "" : "; " + reason;
        }
    }

    private static bool MentionsCuda(string message) =>
        message.Contains("cuda", StringComparison.OrdinalIgnoreCase) || message.Contains("cudnn", StringComparison.OrdinalIgnoreCase)
        || message.Contains("cublas", StringComparison.OrdinalIgnoreCase);

    internal static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
