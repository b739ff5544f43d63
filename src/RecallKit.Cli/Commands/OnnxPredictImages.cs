using System.Globalization;
using RecallKit.Vision.Classification;
using RecallKit.Onnx;
using RecallKit.Vision.Data;
using RecallKit.Vision.Data.Classification;

namespace RecallKit.Cli.Commands;

/// <summary>
/// <c>predict --model model.onnx</c>: the outputs of <c>predict --checkpoint</c> (label PNGs and overlays, or predictions.csv)
/// computed by ONNX Runtime, on the CPU or (<c>--device cuda</c>, GPU build of ONNX Runtime) the GPU. Nothing on this path calls
/// TorchSharp, so libtorch is never loaded.
/// </summary>
internal static class OnnxPredictImages
{
    private static readonly string[] Extensions = [".png", ".jpg", ".jpeg"];

    public static int Run(string modelPath, string source, string outDir, int top, string? device)
    {
        var onnxDevice = string.Equals(device, "cuda", StringComparison.OrdinalIgnoreCase) ? OnnxDevice.Cuda : OnnxDevice.Cpu;
        using var predictor = new OnnxPredictor(modelPath, device: onnxDevice);
        var files = Directory.Exists(source)
            ? Directory.GetFiles(source).Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal).ToArray()
            : File.Exists(source) ? [source] : throw new FileNotFoundException($"input {source} is neither an image nor a directory.");
        if (files.Length == 0) throw new InvalidDataException($"{source} holds no .png or .jpg image.");
        Directory.CreateDirectory(outDir);
        if (predictor.Segments) Segment(predictor, files, outDir);
        else Classify(predictor, files, outDir, top);
        return 0;
    }

    private static void Segment(OnnxPredictor predictor, string[] files, string outDir)
    {
        var classes = predictor.Info.ToClasses();
        foreach (var file in files)
        {
            using var image = ImageFiles.LoadRgb(file);
            var rgb = new byte[image.Width * image.Height * 3];
            image.CopyPixelDataTo(rgb);
            var sample = new LabeledImage(file, image.Width, image.Height, rgb, new int[image.Width * image.Height]);
            var (pixels, _) = SegmentationTransforms.Eval(sample, classes.IgnoreIndex);
            var (logits, shape) = predictor.Run(pixels, [1, 3, image.Height, image.Width]);
            var labels = OnnxPredictor.PixelClasses(logits, shape, 0);
            var stem = Path.Combine(outDir, Path.GetFileNameWithoutExtension(file));
            PaletteImage.SaveLabels(stem + "_labels.png", labels, image.Width, image.Height, classes);
            PaletteImage.SaveOverlay(stem + "_overlay.png", rgb, labels, image.Width, image.Height, classes);
            Console.WriteLine($"{file} → {stem}_labels.png");
        }
    }

    private static void Classify(OnnxPredictor predictor, string[] files, string outDir, int top)
    {
        var info = predictor.Info;
        var augmentation = info.ToAugmentation();
        int k = Math.Clamp(top, 1, info.Classes.Length);
        var csv = new List<string> { "file," + string.Join(',', Enumerable.Range(1, k).Select(i => $"class{i},probability{i}")) };
        foreach (var file in files)
        {
            var image = ClassificationPrediction.Decode(file, augmentation, info.ResizeShorter);
            var input = ClassificationTransforms.Eval(image, augmentation);
            var (logits, _) = predictor.Run(input, [1, image.Channels, augmentation.Size, augmentation.Size]);
            var probabilities = Softmax(logits);
            var best = Enumerable.Range(0, probabilities.Length).OrderByDescending(c => probabilities[c]).Take(k).ToArray();
            Console.WriteLine(file);
            foreach (var c in best) Console.WriteLine($"  {100 * probabilities[c],6:F2} %  {info.Classes[c]}");
            csv.Add(ClassificationPrediction.Csv(file) + "," + string.Join(',', best.Select(c =>
                $"{ClassificationPrediction.Csv(info.Classes[c])},{probabilities[c].ToString("R", CultureInfo.InvariantCulture)}")));
        }
        var path = Path.Combine(outDir, "predictions.csv");
        File.WriteAllLines(path, csv);
        Console.WriteLine($"saved {path}");
    }

    private static float[] Softmax(float[] logits)
    {
        float max = logits.Max();
        var exp = logits.Select(v => Math.Exp(v - max)).ToArray();
        double sum = exp.Sum();
        return exp.Select(e => (float)(e / sum)).ToArray();
    }
}
