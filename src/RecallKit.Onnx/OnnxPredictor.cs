using Microsoft.ML.OnnxRuntime;
using RecallKit.Vision.Models;
using RecallKit.Vision;

namespace RecallKit.Onnx;

/// <summary>
/// Runs a model written by <see cref="OnnxExport"/> with ONNX Runtime on the CPU or a CUDA GPU — no libtorch involved. Input:
/// normalised images as a float32 NCHW array (see <see cref="Info"/>); output: the logits and their shape.
/// </summary>
public sealed class OnnxPredictor : IDisposable
{
    private readonly InferenceSession session;
    private readonly string path;

    /// <param name="path">An ONNX model written by <c>recallkit export --format onnx</c>.</param>
    /// <param name="threads">Intra-op threads (0: ONNX Runtime's default, one per core).</param>
    /// <param name="device">
    /// Where the model runs. <see cref="OnnxDevice.Cuda"/> needs the GPU build of ONNX Runtime and a usable GPU; without them
    /// the constructor throws (<see cref="NotSupportedException"/>: CPU build; <see cref="InvalidOperationException"/>: no usable
    /// GPU, driver or CUDA libraries) instead of running on the CPU.
    /// </param>
    public OnnxPredictor(string path, int threads = 0, OnnxDevice device = OnnxDevice.Cpu)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} does not exist.", path);
        this.path = path;
        session = OnnxSessions.Open(path, threads, device);
        try
        {
            if (!session.ModelMetadata.CustomMetadataMap.TryGetValue(OnnxModelInfo.MetadataKey, out var json))
                throw new InvalidDataException($"{path} is an ONNX model but has no '{OnnxModelInfo.MetadataKey}' metadata (classes, input normalisation); "
                    + "export it with recallkit export --format onnx.");
            Info = OnnxModelInfo.Parse(json, path);
            if (!session.InputMetadata.ContainsKey(OnnxExport.InputName) || !session.OutputMetadata.ContainsKey(OnnxExport.OutputName))
                throw new InvalidDataException($"{path}: expected the input '{OnnxExport.InputName}' and the output '{OnnxExport.OutputName}', "
                    + $"found inputs {string.Join(", ", session.InputMetadata.Keys)} and outputs {string.Join(", ", session.OutputMetadata.Keys)}.");
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Classes, palette and input normalisation stored in the model.</summary>
    public OnnxModelInfo Info { get; }

    /// <summary>The logits of <paramref name="images"/> ([N,C,H,W] float32, normalised as <see cref="Info"/> says).</summary>
    public (float[] logits, long[] shape) Run(float[] images, long[] shape)
    {
        if (shape.Length != 4 || shape[0] < 1 || shape[1] != Info.InChannels)
            throw new ArgumentException($"{path}: input must be [N,{Info.InChannels},H,W], got [{string.Join(",", shape)}].", nameof(shape));
        if (shape[2] < 8 || shape[3] < 8)
            throw new ArgumentException($"{path}: input must be at least 8×8 pixels, got {shape[2]}×{shape[3]}.", nameof(shape));
        if (images.LongLength != shape[0] * shape[1] * shape[2] * shape[3])
            throw new ArgumentException($"{path}: {images.LongLength} values do not fill [{string.Join(",", shape)}].", nameof(images));
        // Host memory on every device: ONNX Runtime copies the input to the GPU and the outputs back to the host.
        using var input = OrtValue.CreateTensorValueFromMemory(images, shape);
        using var runOptions = new RunOptions();
        try
        {
            using var outputs = session.Run(runOptions, [OnnxExport.InputName], [input], [OnnxExport.OutputName]);
            var output = outputs[0];
            return (output.GetTensorDataAsSpan<float>().ToArray(), output.GetTensorTypeAndShape().Shape);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"{path}: ONNX Runtime failed on input [{string.Join(",", shape)}] ({OnnxSessions.FirstLine(e.Message)}).", e);
        }
    }

    /// <summary>Segmentation: the class of every pixel (argmax over channels) of image <paramref name="index"/> of a [N,C,H,W] output.</summary>
    public static int[] PixelClasses(float[] logits, long[] shape, int index)
    {
        int classes = (int)shape[1], plane = checked((int)(shape[2] * shape[3]));
        var labels = new int[plane];
        int offset = index * classes * plane;
        for (int p = 0; p < plane; p++)
        {
            int best = 0;
            float bestValue = logits[offset + p];
            for (int c = 1; c < classes; c++)
            {
                float v = logits[offset + c * plane + p];
                if (v > bestValue) (best, bestValue) = (c, v);
            }
            labels[p] = best;
        }
        return labels;
    }

    /// <summary>Whether the model predicts a class per pixel.</summary>
    public bool Segments => Info.Task == TaskKind.Segmentation;

    /// <inheritdoc />
    public void Dispose() => session.Dispose();
}
