using System.Diagnostics;
using System.Globalization;
using RecallKit.Tests.Support;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Models;
using RecallKit.Vision.RunFiles;
using RecallKit.Vision.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;

namespace RecallKit.Tests.Interop;

/// <summary>
/// <c>recallkit export --format onnx</c> then <c>recallkit predict --model model.onnx</c> through the real CLI writes what
/// <c>predict --checkpoint</c> writes (the same label PNG; the same top classes and probabilities within 1e-4), and a file that is
/// not an ONNX model is a one-line error. Seeded weights (hence the collection) make the label comparison reproducible.
/// </summary>
[Collection(nameof(GlobalTorchState))]
public sealed class OnnxPredictCliTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("recallkit-onnx-cli-").FullName;

    [Fact]
    public async Task PredictWithTheOnnxModelWritesTheSameLabelsAsPredictWithTheCheckpoint()
    {
        var checkpoint = Checkpoint(new ExportCase("lite_seg", Architecture.LiteSeg, "rgb"), [4, 3, 64, 64]);
        var image = Path.Combine(directory, "scene.png");
        RandomImage<Rgb24>(image, 80, 56, random => new Rgb24((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
        var model = Path.Combine(directory, "model.onnx");
        await RunOkAsync("export", "--checkpoint", checkpoint, "--out", model, "--format", "onnx");
        await RunOkAsync("predict", "--checkpoint", checkpoint, "--input", image, "--out", Path.Combine(directory, "torch"));
        var stdout = await RunOkAsync("predict", "--model", model, "--input", image, "--out", Path.Combine(directory, "onnx"));
        Assert.Contains("scene_labels.png", stdout);

        using var expected = Image.Load<Rgb24>(Path.Combine(directory, "torch", "scene_labels.png"));
        using var actual = Image.Load<Rgb24>(Path.Combine(directory, "onnx", "scene_labels.png"));
        Assert.Equal((expected.Width, expected.Height), (actual.Width, actual.Height));
        int different = 0;
        for (int y = 0; y < expected.Height; y++)
            for (int x = 0; x < expected.Width; x++)
                if (!expected[x, y].Equals(actual[x, y])) different++;
        Assert.Equal(0, different);
        Assert.True(File.Exists(Path.Combine(directory, "onnx", "scene_overlay.png")));
    }

    [Fact]
    public async Task ClassifyingWithTheOnnxModelGivesTheSameTopClassesAndProbabilities()
    {
        var checkpoint = Checkpoint(new ExportCase("small_cnn", Architecture.SmallCnn, "grey"), [4, 1, 28, 28]);
        var images = Directory.CreateDirectory(Path.Combine(directory, "images")).FullName;
        for (int i = 0; i < 3; i++) RandomImage<L8>(Path.Combine(images, $"item{i}.png"), 28, 28, random => new L8((byte)random.Next(256)), seed: i);
        var model = Path.Combine(directory, "classifier.onnx");
        await RunOkAsync("export", "--checkpoint", checkpoint, "--out", model, "--format", "onnx");
        await RunOkAsync("predict", "--checkpoint", checkpoint, "--input", images, "--out", Path.Combine(directory, "torch"), "--top", "3");
        await RunOkAsync("predict", "--model", model, "--input", images, "--out", Path.Combine(directory, "onnx"), "--top", "3");

        var expected = await File.ReadAllLinesAsync(Path.Combine(directory, "torch", "predictions.csv"));
        var actual = await File.ReadAllLinesAsync(Path.Combine(directory, "onnx", "predictions.csv"));
        Assert.Equal(4, expected.Length);
        Assert.Equal(expected.Length, actual.Length);
        Assert.Equal(expected[0], actual[0]);
        foreach (var (e, a) in expected.Skip(1).Zip(actual.Skip(1)))
        {
            string[] ef = e.Split(','), af = a.Split(',');
            Assert.Equal(ef.Length, af.Length);
            Assert.Equal(ef[0], af[0]); // the file, then class name and probability pairs
            for (int i = 1; i < ef.Length; i += 2) Assert.Equal(ef[i], af[i]);
            for (int i = 2; i < ef.Length; i += 2)
                Assert.Equal(double.Parse(ef[i], CultureInfo.InvariantCulture), double.Parse(af[i], CultureInfo.InvariantCulture), 1e-4);
        }
    }

    [Fact]
    public async Task PredictWithAFileThatIsNotAnOnnxModelIsAOneLineError()
    {
        var notOnnx = Path.Combine(directory, "model.onnx");
        await File.WriteAllTextAsync(notOnnx, "{\"weights\": []}");
        var image = Path.Combine(directory, "scene.png");
        RandomImage<Rgb24>(image, 16, 16, random => new Rgb24((byte)random.Next(256), 0, 0));
        var (code, _, stderr) = await RunAsync("predict", "--model", notOnnx, "--input", image, "--out", Path.Combine(directory, "out"));
        Assert.Equal(1, code);
        Assert.StartsWith($"error: {notOnnx} is not an ONNX model", stderr.Trim());
        Assert.Single(stderr.Trim().Split('\n'));

        (code, _, stderr) = await RunAsync("predict", "--input", image, "--out", Path.Combine(directory, "out"));
        Assert.NotEqual(0, code);
        Assert.Contains("either --checkpoint", stderr);
    }

    private string Checkpoint(ExportCase c, long[] calibration)
    {
        torch.random.manual_seed(5);
        using var network = InteropCases.Create(c);
        using (var batch = torch.randn(calibration)) InteropCases.Randomise(network, batch);
        var path = Path.Combine(directory, c.Name + ".ckpt");
        using var file = RunCheckpoint.Create(InteropCases.Config(c), TrainingProgress.Start, InteropCases.ClassesOf(c.Architecture), null, network);
        file.Save(path);
        return path;
    }

    private static void RandomImage<TPixel>(string path, int width, int height, Func<Random, TPixel> pixel, int seed = 0) where TPixel : unmanaged, IPixel<TPixel>
    {
        var random = new Random(seed);
        using var image = new Image<TPixel>(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                image[x, y] = pixel(random);
        image.SaveAsPng(path);
    }

    private static async Task<string> RunOkAsync(params string[] args)
    {
        var (code, stdout, stderr) = await RunAsync(args);
        Assert.True(code == 0, $"recallkit {string.Join(' ', args)} exited with {code}:\n{stdout}\n{stderr}");
        return stdout;
    }

    private static async Task<(int code, string stdout, string stderr)> RunAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(CliProcess.Assembly());
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stdout = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, stdout, await stderr);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
