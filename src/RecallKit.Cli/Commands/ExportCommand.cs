using System.CommandLine;
using RecallKit.Onnx;
using RecallKit.Vision.Training;

namespace RecallKit.Cli.Commands;

/// <summary>
/// <c>recallkit export --checkpoint ckpt --out model.ckpt [--format recallkit|pytorch|onnx]</c>: the weights inference needs (SDN:
/// backbone f and head h only), as a RecallKit checkpoint, as a PyTorch state_dict with a JSON description beside it, or as an ONNX model.
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A checkpoint written by train.", Required = true };
        var output = new Option<string>("--out") { Description = "File to write: an inference checkpoint (eval and predict read it) or, with --format pytorch, a .pt file; with --format onnx, a .onnx file.", Required = true };
        var format = new Option<ExportFormat>("--format")
        {
            Description = "recallkit (default): an inference checkpoint; pytorch: a state_dict for torch.load plus <out>.json (architecture, classes, "
                + "input normalisation) for interop/python/recallkit_models.py; onnx: an ONNX model (opset 17, input 'images' [N,C,H,W], output 'logits', "
                + "dynamic batch and image size) for ONNX Runtime and predict --model.",
            DefaultValueFactory = _ => ExportFormat.RecallKit,
            HelpName = "recallkit|pytorch|onnx",
        };
        var command = new Command("export", "Write the inference weights: no optimiser or loss state; an SDN classifier keeps only f and h.") { checkpoint, output, format };
        command.SetAction(r => CliErrors.Run(() =>
        {
            using var model = TrainedModel.Load(r.GetValue(checkpoint)!);
            if (model.Config.Model.Stage == RecallKit.Vision.Configuration.TrainingStage.LogitAdjust)
                throw new ArgumentException($"{r.GetValue(checkpoint)} is a model.stage = logit_adjust run, whose adjustment (τ·log π subtracted from the logits) is applied by eval and predict, not stored in the weights; export its model.init_from checkpoint and subtract the offsets after the network.");
            var path = r.GetValue(output)!;
            string? description = null;
            switch (r.GetValue(format))
            {
                case ExportFormat.PyTorch:
                    description = model.ExportPyTorch(path);
                    break;
                case ExportFormat.Onnx:
                    OnnxExport.Write(model, path);
                    break;
                default:
                    model.Export(path);
                    break;
            }
            Console.WriteLine($"saved {path} ({new FileInfo(path).Length / 1024.0 / 1024.0:F1} MB, {model.Network.parameters().Sum(p => p.numel()):N0} parameters in the network)"
                + (description is null ? "" : $" and {description}"));
            return 0;
        }));
        return command;
    }
}
