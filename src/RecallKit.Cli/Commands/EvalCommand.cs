using System.CommandLine;
using RecallKit.Vision.Experiments;
using RecallKit.Vision.RunFiles;
using RecallKit.Vision.Tasks;
using RecallKit.Vision.Training;
using TorchSharp;

namespace RecallKit.Cli.Commands;

/// <summary><c>recallkit eval --checkpoint ckpt [--data DIR] [--split val] [--device cpu|cuda] [--precision fp32|bf16|fp16]</c>: per-class table and summary, printed and saved as JSON.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = $"A checkpoint written by train ({RunDirectory.BestCheckpointFile} or {RunDirectory.LastCheckpointFile}).", Required = true };
        var data = new Option<string?>("--data") { Description = "Dataset root in the layout the model was trained on (default: the training config's root)." };
        var split = new Option<string?>("--split") { Description = "Split to evaluate (default: the training config's validation split)." };
        var output = new Option<string?>("--output") { Description = "Metrics JSON path (default: eval_<split>.json next to the checkpoint)." };
        var inference = new InferenceOptions();
        var logitAdjust = LogitAdjustOption.Create();
        var deviceOption = DeviceOption.Create();
        var precision = PrecisionOption.Create();
        var command = new Command("eval", "Evaluate a checkpoint: per-class accuracy, precision, IoU, Dice, F-score; OA, mAcc, mIoU, fwIoU, mDice, mFscore (segmentation) or top-1, top-5, many/medium/few (classification).") { checkpoint, data, split, output, logitAdjust, deviceOption, precision };
        inference.AddTo(command);
        command.SetAction(r => CliErrors.Run(() =>
        {
            var settings = inference.Resolve(r);
            var device = DeviceOption.Resolve(r.GetValue(deviceOption));
            using var model = TrainedModel.Load(r.GetValue(checkpoint)!);
            model.Network.to(device);
            using var computePrecision = PrecisionOption.Use(r.GetValue(precision), device);
            var (evaluation, splitName) = VisionTasks.For(model.Config.Model.Architecture)
                .Evaluate(model, new EvaluationRequest(r.GetValue(data), r.GetValue(split), settings, device, r.GetValue(checkpoint)!, r.GetValue(logitAdjust)), Console.Out);
            var metrics = evaluation.Metrics;
            Console.WriteLine($"{"class",-16} {"acc",7} {"prec",7} {"IoU",7} {"Dice",7} {"F1",7} {evaluation.CountedUnit,12}");
            for (int c = 0; c < model.Classes.Count; c++)
                Console.WriteLine($"{model.Classes.Names[c],-16} {100 * metrics.ClassAccuracy[c],7:F2} {100 * metrics.ClassPrecision[c],7:F2} {100 * metrics.ClassIoU[c],7:F2} " +
                                  $"{100 * metrics.ClassDice[c],7:F2} {100 * metrics.ClassFscore[c],7:F2} {metrics.GroundTruthCounts[c],12:N0}");
            Console.WriteLine(evaluation.FullSummary);
            var suffix = r.GetValue(logitAdjust) is { } tau ? $"_logit_adjust_{tau.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}" : "";
            var path = r.GetValue(output) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(r.GetValue(checkpoint)!))!, $"eval_{splitName}{suffix}.json");
            File.WriteAllText(path, evaluation.ToRecord(-1, model.Classes).ToJson());
            Console.WriteLine($"saved {path}");
            return 0;
        }));
        return command;
    }
}
