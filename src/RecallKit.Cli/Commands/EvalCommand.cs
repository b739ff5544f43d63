using System.CommandLine;
using TorchSharp;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;
using RecallKit.Vision.Data.Classification;
using RecallKit.Vision.Experiments;
using RecallKit.Vision.Inference;
using RecallKit.Vision.Models;
using RecallKit.Vision.Training;
using static TorchSharp.torch;

namespace RecallKit.Cli.Commands;

/// <summary><c>recallkit eval --checkpoint ckpt [--data DIR] [--split val] [--device cpu|cuda]</c>: per-class table and summary, printed and saved as JSON.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A checkpoint written by train (best.ckpt or last.ckpt).", Required = true };
        var data = new Option<string?>("--data") { Description = "Dataset root in the layout the model was trained on (default: the training config's root)." };
        var split = new Option<string?>("--split") { Description = "Split to evaluate (default: the training config's validation split)." };
        var output = new Option<string?>("--output") { Description = "Metrics JSON path (default: eval_<split>.json next to the checkpoint)." };
        var inference = new InferenceOptions();
        var logitAdjust = LogitAdjustOption.Create();
        var deviceOption = DeviceOption.Create();
        var command = new Command("eval", "Evaluate a checkpoint: per-class accuracy, precision, IoU, Dice, F-score; OA, mAcc, mIoU, fwIoU, mDice, mFscore (segmentation) or top-1, top-5, many/medium/few (classification).") { checkpoint, data, split, output, logitAdjust, deviceOption };
        inference.AddTo(command);
        command.SetAction(r => CliErrors.Run(() =>
        {
            var settings = inference.Resolve(r);
            var device = DeviceOption.Resolve(r.GetValue(deviceOption));
            using var model = TrainedModel.Load(r.GetValue(checkpoint)!);
            model.Network.to(device);
            bool segmentation = model.Task == TaskKind.Segmentation;
            if (!segmentation && !settings.IsPlain) throw new ArgumentException("--window, --stride and --flip apply to segmentation models only.");
            var (evaluation, splitName) = segmentation
                ? EvaluateSegmentation(model, settings, r.GetValue(data), r.GetValue(split), device)
                : EvaluateClassification(model, LogitAdjustOption.Network(model, r.GetValue(logitAdjust), r.GetValue(checkpoint)!), r.GetValue(data), r.GetValue(split), device);
            var metrics = evaluation.Metrics;
            Console.WriteLine($"{"class",-16} {"acc",7} {"prec",7} {"IoU",7} {"Dice",7} {"F1",7} {evaluation.CountedUnit,12}");
            for (int c = 0; c < model.Classes.Count; c++)
                Console.WriteLine($"{model.Classes.Names[c],-16} {100 * metrics.ClassAccuracy[c],7:F2} {100 * metrics.ClassPrecision[c],7:F2} {100 * metrics.ClassIoU[c],7:F2} " +
                                  $"{100 * metrics.ClassDice[c],7:F2} {100 * metrics.ClassFscore[c],7:F2} {metrics.GroundTruthCounts[c],12:N0}");
            Console.WriteLine(evaluation.FullSummary);
            var suffix = r.GetValue(logitAdjust) is { } tau ? $"_logit_adjust_{tau.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}" : "";
            var path = r.GetValue(output) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(r.GetValue(checkpoint)!))!, $"eval_{splitName}{suffix}.json");
            File.WriteAllText(path, MetricsJson.Serialize(-1, model.Classes, evaluation));
            Console.WriteLine($"saved {path}");
            return 0;
        }));
        return command;
    }

    private static (Evaluation, string) EvaluateSegmentation(TrainedModel model, InferenceSettings settings, string? root, string? split, Device device)
    {
        var dataConfig = root is not null
            ? model.Config.Data with { Root = root, Kind = model.Config.Data.Kind == DatasetKind.Synthetic ? DatasetKind.Folder : model.Config.Data.Kind }
            : model.Config.Data;
        var splitName = split ?? dataConfig.ValSplit;
        var dataset = ConfiguredData.Segmentation(dataConfig, splitName, Console.Out);
        if (!dataset.Classes.Names.SequenceEqual(model.Classes.Names))
            throw new InvalidDataException($"the dataset's classes ({string.Join(", ", dataset.Classes.Names)}) differ from the model's ({string.Join(", ", model.Classes.Names)}).");
        var batches = new DatasetBatches(dataset, dataConfig.EvalBatchSize, null, 0);
        if (!settings.IsPlain) Console.WriteLine($"inference: {settings.Describe()}");
        using var network = new TestTimeSegmentation(model.Network, settings);
        using var matrix = SegmentationEvaluator.Evaluate(network, batches, model.Classes.Count, model.Classes.IgnoreIndex, device);
        return (new SegmentationEvaluation(matrix.compute()), splitName);
    }

    private static (Evaluation, string) EvaluateClassification(TrainedModel model, nn.Module<Tensor, Tensor> network, string? root, string? split, Device device)
    {
        var dataConfig = model.Config.Data with { Root = root ?? model.Config.Data.Root, ValSplit = split ?? model.Config.Data.ValSplit };
        var data = ConfiguredData.Classification(dataConfig);
        if (!data.Train.ClassNames.SequenceEqual(model.Classes.Names))
            throw new InvalidDataException($"the dataset has {data.Train.ClassNames.Count} classes, the model {model.Classes.Count}; evaluate on the dataset the model was trained on.");
        var batches = new ClassificationBatches(data.Val, dataConfig.EvalBatchSize, data.Augmentation, training: false);
        return (ClassificationEvaluator.Evaluate(network, batches, model.Classes.Count, device, model.TrainingCounts ?? data.Train.SamplesPerClass()), dataConfig.ValSplit);
    }
}
