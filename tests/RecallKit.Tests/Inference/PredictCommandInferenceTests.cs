using System.Diagnostics;
using RecallKit.Tests.Support;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;
using RecallKit.Vision.Data.Synthetic;
using RecallKit.Vision.Models;
using RecallKit.Vision.RunFiles;
using RecallKit.Vision.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace RecallKit.Tests.Inference;

[Collection(nameof(GlobalTorchState))]
public sealed class PredictCommandInferenceTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-predict-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string Checkpoint()
    {
        var config = new TrainConfig { Data = new DataConfig { Kind = DatasetKind.Synthetic }, Model = new ModelConfig { Architecture = Architecture.LiteSeg } };
        using var network = SegmentationModels.Create(Architecture.LiteSeg, SceneClasses.Description.Names.Count, 16);
        var path = Path.Combine(dir, "model.ckpt");
        using (var file = RunCheckpoint.Create(config, TrainingProgress.Start, SceneClasses.Description, null, network)) file.Save(path);
        return path;
    }

    private string Image(int width, int height)
    {
        var path = Path.Combine(dir, "scene.png");
        using var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
            image[x, y] = new Rgb24((byte)(7 * x), (byte)(11 * y), (byte)(x * y));
        image.SaveAsPng(path);
        return path;
    }

    private static Task<(int Code, string Stdout, string Stderr)> RecallKitAsync(params string[] arguments) => CliProcess.RunAsync(arguments);

    [Fact]
    public async Task SlidingWindowsWithFlipWriteLabelsAndSoftmaxProbabilities()
    {
        var (checkpoint, image) = (Checkpoint(), Image(40, 24));
        var output = Path.Combine(dir, "out");
        var (code, stdout, stderr) = await RecallKitAsync("predict", "--checkpoint", checkpoint, "--input", image, "--out", output,
            "--window", "16x16", "--stride", "12x8", "--flip", "--save-probs");
        Assert.True(code == 0, stdout + stderr);
        Assert.DoesNotContain("NNPACK", stderr); // libtorch's "Could not initialize NNPACK" once per convolution on CPUs without it
        Assert.True(File.Exists(Path.Combine(output, "scene_labels.png")));

        var bytes = await File.ReadAllBytesAsync(Path.Combine(output, "scene_probs.npy"), TestContext.Current.CancellationToken);
        int classes = SceneClasses.Description.Names.Count;
        var header = NpyHeaderLength(bytes);
        Assert.Contains($"'shape': ({classes}, 24, 40)", System.Text.Encoding.ASCII.GetString(bytes, 10, header - 10));
        var probabilities = new float[(bytes.Length - header) / 4];
        Buffer.BlockCopy(bytes, header, probabilities, 0, bytes.Length - header);
        Assert.Equal(classes * 24 * 40, probabilities.Length);
        for (int pixel = 0; pixel < 24 * 40; pixel += 37)
            Assert.Equal(1.0, Enumerable.Range(0, classes).Sum(c => (double)probabilities[c * 24 * 40 + pixel]), 5);
    }

    private static int NpyHeaderLength(byte[] bytes) => 10 + BitConverter.ToUInt16(bytes, 8);

    [Theory]
    [InlineData("--window", "16by16", "--window '16by16' is not WIDTHxHEIGHT")]
    [InlineData("--stride", "8x8", "--stride needs --window")]
    public async Task BadWindowOptionsAreAClearError(string option, string value, string message)
    {
        var (code, _, stderr) = await RecallKitAsync("predict", "--checkpoint", Checkpoint(), "--input", Image(8, 8), "--out", Path.Combine(dir, "out"), option, value);
        Assert.Equal(1, code);
        Assert.Contains(message, stderr);
    }
}
