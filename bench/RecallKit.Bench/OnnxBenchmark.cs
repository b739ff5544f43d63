using System.Diagnostics;
using RecallKit.Onnx;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data.Synthetic;
using RecallKit.Vision.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Bench;

/// <summary>
/// Inference speed of the same network in TorchSharp (libtorch, eval mode, no_grad) and, exported with <see cref="OnnxExport"/>,
/// in ONNX Runtime, both on the same number of threads: batch 1, a 512×256 image. Each side gets a normalised float array
/// and returns the logits as a float array, as predict does.
/// </summary>
internal static class OnnxBenchmark
{
    private const int Width = 512, Height = 256;

    public static void Run(int threads, int repeats)
    {
        Console.WriteLine();
        Console.WriteLine($"## Inference: TorchSharp vs ONNX Runtime ({threads} threads, batch 1, {Width}×{Height}, {repeats} timed runs after 3 warm-up runs, median)");
        Console.WriteLine();
        Console.WriteLine("| network | TorchSharp images/s | ONNX Runtime images/s | ONNX Runtime / TorchSharp | ONNX file |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Compare(Architecture.LiteSeg, "LiteSeg", threads, repeats);
        Compare(Architecture.DeepLabV3PlusResNet18, "DeepLabV3+ ResNet-18", threads, repeats);
    }

    private static void Compare(Architecture architecture, string name, int threads, int repeats)
    {
        var classes = SceneClasses.Description;
        using var network = SegmentationModels.Create(architecture, classes.Count);
        network.eval();
        var random = new Random(3);
        var pixels = Enumerable.Range(0, 3 * Width * Height).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
        long[] shape = [1, 3, Height, Width];

        double torchSeconds = Median(repeats, () =>
        {
            using var scope = NewDisposeScope();
            using var gradients = no_grad();
            _ = network.call(tensor(pixels, shape)).data<float>().ToArray();
        });

        var path = Path.Combine(Path.GetTempPath(), $"recallkit-bench-{Environment.ProcessId}-{architecture}.onnx");
        try
        {
            var config = new TrainConfig { Model = new ModelConfig { Architecture = architecture } };
            OnnxExport.Write(network, OnnxModelInfo.Describe(config, classes), path);
            using var predictor = new OnnxPredictor(path, threads);
            double onnxSeconds = Median(repeats, () => predictor.Run(pixels, shape));
            Console.WriteLine($"| {name} | {1 / torchSeconds:F1} | {1 / onnxSeconds:F1} | {torchSeconds / onnxSeconds:F2}× | {new FileInfo(path).Length / 1e6:F1} MB |");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static double Median(int repeats, Action run)
    {
        for (int i = 0; i < 3; i++) run();
        var times = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            run();
            times.Add(watch.Elapsed.TotalSeconds);
        }
        return times.Order().ElementAt(times.Count / 2);
    }
}
