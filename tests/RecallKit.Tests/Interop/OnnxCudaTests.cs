using Microsoft.ML.OnnxRuntime;
using RecallKit.Onnx;
using RecallKit.Tests.Support;
using RecallKit.Vision.Models;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace RecallKit.Tests.Interop;

/// <summary>
/// ONNX Runtime on CUDA in the CPU build (the default build, and the only one this machine can test): <c>predict --model
/// --device cuda</c> and <c>OnnxPredictor(…, OnnxDevice.Cuda)</c> stop with the error that names the GPU build, never a stack
/// trace and never a silent run on the CPU; the same model on the CPU runs. Skipped in a GPU build
/// (<c>-p:OnnxRuntimeBackend=cuda</c>), whose behaviour without a GPU is checked by hand (docs/deployment.md).
/// </summary>
[Collection(nameof(GlobalTorchState))]
public sealed class OnnxCudaTests : IDisposable
{
    private const string GpuBuildError = "ONNX Runtime on CUDA needs the GPU build: build with -p:OnnxRuntimeBackend=cuda "
        + "(or -p:TorchBackend=cuda); a program of your own references Microsoft.ML.OnnxRuntime.Gpu.Linux instead of "
        + "Microsoft.ML.OnnxRuntime. This program has the CPU build (providers: CPUExecutionProvider). Or run on the CPU: --device cpu.";

    private readonly string directory = Directory.CreateTempSubdirectory("recallkit-onnx-cuda-").FullName;

    [Fact]
    public async Task PredictWithAnOnnxModelOnCudaInTheCpuBuildIsAOneLineErrorNamingTheGpuBuild()
    {
        SkipInAGpuBuild();
        var (model, images) = ClassifierAndImages();
        var (code, stdout, stderr) = await CliProcess.RunAsync("predict", "--model", model, "--input", images, "--out", Path.Combine(directory, "cuda"), "--device", "cuda");
        Assert.Equal(1, code);
        Assert.Equal("error: " + GpuBuildError, stderr.Trim());
        Assert.Equal("", stdout);
        Assert.False(File.Exists(Path.Combine(directory, "cuda", "predictions.csv"))); // no silent run on the CPU

        (code, stdout, stderr) = await CliProcess.RunAsync("predict", "--model", model, "--input", images, "--out", Path.Combine(directory, "cpu"), "--device", "cpu");
        Assert.True(code == 0, stderr);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(directory, "cpu", "predictions.csv")).Length);
    }

    [Fact]
    public void TheOnnxPredictorOnCudaInTheCpuBuildThrowsTheSameError()
    {
        SkipInAGpuBuild();
        var (model, _) = ClassifierAndImages();
        var e = Assert.Throws<NotSupportedException>(() => new OnnxPredictor(model, device: OnnxDevice.Cuda));
        Assert.Equal(GpuBuildError, e.Message);
        using var onCpu = new OnnxPredictor(model, device: OnnxDevice.Cpu);
        var (logits, shape) = onCpu.Run(new float[28 * 28], [1, 1, 28, 28]);
        Assert.Equal([1, InteropCases.ClassesOf(Architecture.SmallCnn).Names.Count], shape);
        Assert.All(logits, v => Assert.True(float.IsFinite(v)));
    }

    private static void SkipInAGpuBuild()
    {
        if (OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider"))
            Assert.Skip("GPU build of ONNX Runtime: the CPU-build error does not apply.");
    }

    /// <summary>A small classifier with random weights exported to ONNX, and a folder of two grey images.</summary>
    private (string Model, string Images) ClassifierAndImages()
    {
        var c = new ExportCase("small_cnn", Architecture.SmallCnn, "grey");
        random.manual_seed(3);
        using var network = InteropCases.Create(c);
        using (var calibration = randn(4, 1, 28, 28)) InteropCases.Randomise(network, calibration);
        var model = Path.Combine(directory, "classifier.onnx");
        OnnxExport.Write(network, OnnxModelInfo.Describe(InteropCases.Config(c), InteropCases.ClassesOf(c.Architecture)), model);
        var images = Directory.CreateDirectory(Path.Combine(directory, "images")).FullName;
        for (int i = 0; i < 2; i++)
        {
            using var image = new Image<L8>(28, 28, new L8((byte)(60 + 100 * i)));
            image.SaveAsPng(Path.Combine(images, $"item{i}.png"));
        }
        return (model, images);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
