using System.CommandLine;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Experiments;
using RecallKit.Vision.Tasks;
using RecallKit.Vision.Training;
using TorchSharp;

namespace RecallKit.Cli.Commands;

/// <summary>
/// <c>recallkit predict --checkpoint ckpt --input img-or-dir --out DIR</c>: colour-coded label PNGs and overlays; with
/// <c>--model model.onnx</c> instead of <c>--checkpoint</c> the same through ONNX Runtime (<see cref="OnnxPredictImages"/>).
/// </summary>
internal static class PredictCommand
{
    private static readonly string[] Extensions = [".png", ".jpg", ".jpeg"];

    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A checkpoint written by train." };
        var onnxModel = new Option<string>("--model") { Description = "Instead of --checkpoint: an ONNX model written by export --format onnx, run with ONNX Runtime (no libtorch), on the CPU or with --device cuda the GPU." };
        var input = new Option<string>("--input") { Description = "An image or a directory of images (.png, .jpg).", Required = true };
        var output = new Option<string>("--out") { Description = "Output directory.", Required = true };
        var top = new Option<int>("--top") { Description = "Classifiers: how many classes to print per image.", DefaultValueFactory = _ => 5 };
        var saveProbs = new Option<bool>("--save-probs") { Description = "Segmentation: also write <name>_probs.npy, the softmax as float32 [C,H,W]." };
        var inference = new InferenceOptions();
        var logitAdjust = LogitAdjustOption.Create();
        var deviceOption = DeviceOption.Create();
        deviceOption.Description = "Where the model runs: cpu (default) or cuda, which needs a GPU and a CUDA build: "
            + "-p:TorchBackend=cuda for --checkpoint, -p:OnnxRuntimeBackend=cuda (or -p:TorchBackend=cuda) for --model.";
        var precision = PrecisionOption.Create();
        var command = new Command("predict",
            "Segmentation: writes <name>_labels.png (palette colours) and <name>_overlay.png. Classification: prints the top-k classes with probabilities and writes predictions.csv.")
            { checkpoint, onnxModel, input, output, top, saveProbs, logitAdjust, deviceOption, precision };
        inference.AddTo(command);
        command.Validators.Add(r =>
        {
            if ((r.GetValue(checkpoint) is null) == (r.GetValue(onnxModel) is null)) r.AddError("give either --checkpoint (a RecallKit checkpoint) or --model (an ONNX model).");
            if (r.GetValue(onnxModel) is not null && (r.GetValue(inference.Window) is not null || r.GetValue(inference.Flip) || r.GetValue(saveProbs)))
                r.AddError("--window, --flip and --save-probs work with --checkpoint only; --model runs the ONNX graph on whole images.");
            if (r.GetValue(onnxModel) is not null && r.GetValue(precision) != PrecisionKind.Fp32)
                r.AddError("--precision works with --checkpoint only; --model runs the ONNX graph as exported (float32).");
            if (r.GetValue(onnxModel) is not null && r.GetValue(logitAdjust) is not null)
                r.AddError("--logit-adjust works with --checkpoint only (it reads the training class counts the checkpoint records).");
        });
        command.SetAction(r => CliErrors.Run(() =>
        {
            if (r.GetValue(onnxModel) is { } onnx)
                return OnnxPredictImages.Run(onnx, r.GetValue(input)!, r.GetValue(output)!, r.GetValue(top), r.GetValue(deviceOption));
            var settings = inference.Resolve(r);
            var device = DeviceOption.Resolve(r.GetValue(deviceOption));
            using var model = TrainedModel.Load(r.GetValue(checkpoint)!);
            model.Network.to(device);
            using var computePrecision = PrecisionOption.Use(r.GetValue(precision), device);
            var source = r.GetValue(input)!;
            var files = Directory.Exists(source)
                ? Directory.GetFiles(source).Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal).ToArray()
                : File.Exists(source) ? [source] : throw new FileNotFoundException($"input {source} is neither an image nor a directory.");
            if (files.Length == 0) throw new InvalidDataException($"{source} holds no .png or .jpg image.");
            var outDir = r.GetValue(output)!;
            Directory.CreateDirectory(outDir);
            VisionTasks.For(model.Config.Model.Architecture).Predict(model, files,
                new PredictionRequest(outDir, r.GetValue(top), r.GetValue(saveProbs), settings, device, r.GetValue(checkpoint)!, r.GetValue(logitAdjust)), Console.Out);
            return 0;
        }));
        return command;
    }
}
