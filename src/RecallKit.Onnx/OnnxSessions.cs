using Microsoft.ML.OnnxRuntime;

namespace RecallKit.Onnx;

/// <summary>Opens an ONNX Runtime session on a device, turning every way this can fail into an error that says what to do.</summary>
internal static class OnnxSessions
{
    private const string CudaProvider = "CUDAExecutionProvider";

    private const string CudaRequirements = "https://onnxruntime.ai/docs/execution-providers/CUDA-ExecutionProvider.html#requirements";

    public static InferenceSession Open(string path, int threads, OnnxDevice device)
    {
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
        $"ONNX Runtime could not start its CUDA execution provider ({FirstLine(e.Message)}). It needs an NVIDIA GPU with its driver "
        + $"and the CUDA 12 and cuDNN 9 libraries on the library path (ONNX Runtime's CUDA requirements: {CudaRequirements}); "
        + "or run on the CPU: --device cpu.", e);

    private static bool MentionsCuda(string message) =>
        message.Contains("cuda", StringComparison.OrdinalIgnoreCase) || message.Contains("cudnn", StringComparison.OrdinalIgnoreCase)
        || message.Contains("cublas", StringComparison.OrdinalIgnoreCase);

    internal static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
