using System.Globalization;
using RecallKit.Vision.Data;
using RecallKit.Vision.Data.Classification;
using RecallKit.Vision.Tasks;
using RecallKit.Vision.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Vision.Classification;

/// <summary>predict for classifiers (also used for ONNX models by the CLI): the top-k classes of each image with their softmax probabilities, printed and saved as CSV.</summary>
public static class ClassificationPrediction
{
    internal static void Run(TrainedModel model, nn.Module<Tensor, Tensor> network, IReadOnlyList<string> files, PredictionRequest request, TextWriter log)
    {
        var augmentation = ConfiguredData.Augmentation(model.Config.Data);
        bool fileDataset = augmentation.Padding == 0 && model.Config.Data.ImageFiles.ResizeShorterOrDefault() > 0;
        int k = Math.Clamp(request.Top, 1, model.Classes.Count);
        var csv = new List<string> { "file," + string.Join(',', Enumerable.Range(1, k).Select(i => $"class{i},probability{i}")) };
        foreach (var file in files)
        {
            var image = Decode(file, augmentation, fileDataset ? model.Config.Data.ImageFiles.ResizeShorterOrDefault() : 0);
            var input = ClassificationTransforms.Eval(image, augmentation);
            (float[] probabilities, long[] classes) best;
            using (var scope = NewDisposeScope())
            using (no_grad())
            {
                var logits = network.call(tensor(input, new long[] { 1, image.Channels, augmentation.Size, augmentation.Size }).to(request.Device));
                var (values, indices) = nn.functional.softmax(logits, 1).topk(k, dim: 1);
                best = (values.cpu().data<float>().ToArray(), indices.cpu().data<long>().ToArray());
            }
            log.WriteLine(file);
            for (int i = 0; i < k; i++) log.WriteLine($"  {100 * best.probabilities[i],6:F2} %  {model.Classes.Names[(int)best.classes[i]]}");
            csv.Add(Csv(file) + "," + string.Join(',', Enumerable.Range(0, k).Select(i =>
                $"{Csv(model.Classes.Names[(int)best.classes[i]])},{best.probabilities[i].ToString("R", CultureInfo.InvariantCulture)}")));
        }
        var path = Path.Combine(request.Output, "predictions.csv");
        File.WriteAllLines(path, csv);
        log.WriteLine($"saved {path}");
    }

    /// <summary>A CSV field: quoted when it holds a comma or a quote.</summary>
    public static string Csv(string text) => text.Contains(',') || text.Contains('"') ? $"\"{text.Replace("\"", "\"\"")}\"" : text;

    /// <summary>Decodes as the training data was: grayscale for 1-channel models, shorter side resized for image-file datasets, small datasets resized to the input size.</summary>
    public static RawImage Decode(string file, ClassificationAugmentation augmentation, int resizeShorter)
    {
        int channels = augmentation.Mean.Length;
        if (channels == 1)
        {
            using var gray = ImageFiles.Load<L8>(file);
            gray.Mutate(x => x.Resize(augmentation.Size, augmentation.Size));
            var pixels = new byte[gray.Width * gray.Height];
            gray.CopyPixelDataTo(pixels);
            return new RawImage(pixels, 1, gray.Height, gray.Width);
        }
        if (resizeShorter > 0) return ImageFileDataset.Decode(file, resizeShorter);
        using var rgb = ImageFiles.LoadRgb(file);
        rgb.Mutate(x => x.Resize(augmentation.Size, augmentation.Size));
        var bytes = new byte[rgb.Width * rgb.Height * 3];
        rgb.CopyPixelDataTo(bytes);
        return new RawImage(bytes, 3, rgb.Height, rgb.Width);
    }
}
