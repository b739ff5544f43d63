namespace RecallKit.Onnx;

/// <summary>Where <see cref="OnnxPredictor"/> runs a model.</summary>
public enum OnnxDevice
{
    /// <summary>ONNX Runtime's CPU execution provider (every native build has it).</summary>
    Cpu,

    /// <summary>
    /// ONNX Runtime's CUDA execution provider on GPU 0; needs the GPU build of ONNX Runtime (the package
    /// Microsoft.ML.OnnxRuntime.Gpu.Linux), an NVIDIA GPU and driver, and the CUDA and cuDNN libraries it was built for.
    /// </summary>
    Cuda,
}
