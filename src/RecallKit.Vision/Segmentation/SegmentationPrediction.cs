using RecallKit.Vision.Data;
using RecallKit.Vision.Inference;
using RecallKit.Vision.Tasks;
using RecallKit.Vision.Training;
using static TorchSharp.torch;

namespace RecallKit.Vision.Segmentation;

/// <summary>predict for segmentation networks: &lt;name&gt;_labels.png (palette colours), &lt;name&gt;_overlay.png and optionally the softmax as .npy.</summary>
internal static class SegmentationPrediction
{
    public static void Run(TrainedModel model, IReadOnlyList<string> files, PredictionRequest request, TextWriter log)
    {
        using var network = new TestTimeSegmentation(model.Network, request.Inference);
        network.eval();
        foreach (var file in files)
        {
            using var image = ImageFiles.LoadRgb(file);
            var rgb = new byte[image.Width * image.Height * 3];
            image.CopyPixelDataTo(rgb);
            var sample = new LabeledImage(file, image.Width, image.Height, rgb, new int[image.Width * image.Height]);
            var (pixels, _) = SegmentationTransforms.Eval(sample, model.Classes.IgnoreIndex);
            int[] labels;
            var stem = Path.Combine(request.Output, Path.GetFileNameWithoutExtension(file));
            using (var scope = NewDisposeScope())
            using (no_grad())
            {
                var logits = network.call(tensor(pixels, new long[] { 1, 3, image.Height, image.Width }).to(request.Device));
                labels = logits.argmax(1).cpu().to_type(ScalarType.Int32).data<int>().ToArray();
                if (request.SaveProbabilities)
                    NpyWriter.Write(stem + "_probs.npy", logits[0].softmax(0).to_type(ScalarType.Float32).cpu().data<float>().ToArray(), logits.shape[1..]);
            }
            PaletteImage.SaveLabels(stem + "_labels.png", labels, image.Width, image.Height, model.Classes);
            PaletteImage.SaveOverlay(stem + "_overlay.png", rgb, labels, image.Width, image.Height, model.Classes);
            log.WriteLine($"{file} → {stem}_labels.png");
        }
    }
}
