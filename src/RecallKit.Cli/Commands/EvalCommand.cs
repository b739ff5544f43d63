using System.CommandLine;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;
using RecallKit.Vision.Training;
using static TorchSharp.torch;

namespace RecallKit.Cli.Commands;

/// <summary><c>recallkit eval --checkpoint ckpt [--data DIR] [--split val]</c>: per-class table and summary, printed and saved as JSON.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A checkpoint written by train (best.ckpt or last.ckpt).", Required = true };
        var data = new Option<string?>("--data") { Description = "Dataset root in the layout the model was trained on (default: the training config's root)." };
        var split = new Option<string?>("--split") { Description = "Split to evaluate (default: the training config's validation split)." };
        var output = new Option<string?>("--output") { Description = "Metrics JSON path (default: eval_<split>.json next to the checkpoint)." };
        var command = new Command("eval", "Evaluate a checkpoint: per-class accuracy, precision, IoU; OA, mAcc, mIoU, fwIoU.") { checkpoint, data, split, output };
        command.SetAction(r => CliErrors.Run(() =>
        {
            using var model = TrainedModel.Load(r.GetValue(checkpoint)!);
            var dataConfig = r.GetValue(data) is { } root ? model.Config.Data with { Root = root, Kind = model.Config.Data.Kind == DatasetKind.Synthetic ? DatasetKind.Folder : model.Config.Data.Kind } : model.Config.Data;
            var splitName = r.GetValue(split) ?? dataConfig.ValSplit;
            var dataset = SegmentationDatasets.Open(dataConfig, splitName, Console.Out);
            if (!dataset.Classes.Names.SequenceEqual(model.Classes.Names))
                throw new InvalidDataException($"the dataset's classes ({string.Join(", ", dataset.Classes.Names)}) differ from the model's ({string.Join(", ", model.Classes.Names)}).");
            var batches = new DatasetBatches(dataset, dataConfig.EvalBatchSize, null, 0);
            using var matrix = SegmentationEvaluator.Evaluate(model.Network, batches, model.Classes.Count, model.Classes.IgnoreIndex, CPU);
            var metrics = matrix.compute();
            Console.WriteLine($"{"class",-16} {"acc",7} {"prec",7} {"IoU",7} {"pixels",12}");
            for (int c = 0; c < model.Classes.Count; c++)
                Console.WriteLine($"{model.Classes.Names[c],-16} {100 * metrics.ClassAccuracy[c],7:F2} {100 * metrics.ClassPrecision[c],7:F2} {100 * metrics.ClassIoU[c],7:F2} {metrics.GroundTruthCounts[c],12:N0}");
            Console.WriteLine($"OA {100 * metrics.OverallAccuracy:F2}  mAcc {100 * metrics.MeanAccuracy:F2}  mIoU {100 * metrics.MeanIoU:F2}  fwIoU {100 * metrics.FrequencyWeightedIoU:F2}");
            var path = r.GetValue(output) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(r.GetValue(checkpoint)!))!, $"eval_{splitName}.json");
            File.WriteAllText(path, MetricsJson.Serialize(-1, model.Classes, metrics));
            Console.WriteLine($"saved {path}");
            return 0;
        }));
        return command;
    }
}
