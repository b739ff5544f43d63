using System.Globalization;
using System.Text;
using RecallKit.Vision.Data;
using RecallKit.Vision.Data.Classification;
using RecallKit.Vision.Models;

namespace RecallKit.Vision.Configuration;

/// <summary>
/// A commented starting config for a dataset kind (<c>recallkit config init</c>): the keys a first run sets, with the
/// alternatives in comments. It loads as it is (JSON with comments) and every key not in it keeps its default
/// (<c>recallkit config show</c> prints them all).
/// </summary>
public static class StarterConfig
{
    /// <summary>The starting config for <paramref name="kind"/> data under <paramref name="root"/>.</summary>
    /// <exception cref="ConfigException">The combination does not validate (it always should: a test loads every kind's).</exception>
    public static string For(DatasetKind kind, string root)
    {
        bool classification = kind.Task() == TaskKind.Classification;
        var architecture = !classification ? Architecture.LiteSeg
            : kind == DatasetKind.FashionMnistLt ? Architecture.SmallCnn
            : kind is DatasetKind.Cifar10Lt or DatasetKind.Cifar100Lt ? Architecture.ResNet32Cifar
            : Architecture.ResNet10;
        var name = ConfigLoader.Name(kind);
        var config = ConfigLoader.Load(null,
        [
            $"data.kind={name}", $"data.root={root}", $"model.architecture={ConfigLoader.Name(architecture)}", "loss.kind=recall",
            $"output=runs/{name}-recall",
        ]);
        string J(string text) => System.Text.Json.JsonSerializer.Serialize(text);
        string N(double value) => value.ToString("R", CultureInfo.InvariantCulture);
        var d = config.Data;
        var sb = new StringBuilder();
        sb.AppendLine("// A starting config: recallkit data check --config THIS, then recallkit train --config THIS.");
        sb.AppendLine("// Every other key keeps its default: recallkit config show --config THIS prints them all (docs/datasets.md, docs/losses.md).");
        sb.AppendLine("{");
        sb.AppendLine("  \"data\": {");
        sb.AppendLine($"    \"kind\": {J(name)},  // {string.Join(", ", ConfigLoader.EnumNames(typeof(DatasetKind)))}");
        sb.AppendLine($"    \"root\": {J(d.Root)},");
        sb.AppendLine($"    \"train_split\": {J(d.TrainSplit)},  // {SplitHint(kind)}");
        sb.AppendLine($"    \"val_split\": {J(d.ValSplit)},");
        if (!classification)
            sb.AppendLine($"    \"crop_width\": {d.Segmentation.CropWidth}, \"crop_height\": {d.Segmentation.CropHeight},  // training crops (pixels); evaluation reads whole images");
        else if (kind is DatasetKind.ImageFolder or DatasetKind.PlacesLt or DatasetKind.INaturalist)
            sb.AppendLine($"    \"image_size\": {d.ClassificationInput.ImageSizeFor(kind)}, \"resize_shorter\": {d.ImageFiles.ResizeShorterOrDefault()},  // network input side; shorter side resized to this first (0: no resize)");
        else
            sb.AppendLine($"    \"image_size\": null,  // the network input side; null: the images' own {d.ClassificationInput.ImageSizeFor(kind)}, another value resizes them");
        sb.AppendLine($"    \"batch_size\": {d.BatchSize}");
        sb.AppendLine("  },");
        sb.AppendLine($"  \"model\": {{ \"architecture\": {J(ConfigLoader.Name(config.Model.Architecture))} }},  // " +
            (classification ? "small_cnn, resnet32_cifar, resnet10/18/50/152" : "lite_seg (fast on a CPU), deeplabv3plus_resnet18/34/50/101"));
        sb.AppendLine($"  \"loss\": {{ \"kind\": \"recall\" }},  // cross_entropy, recall, class_balanced, inverse_frequency, focal, lovasz, …: compare them with recallkit compare");
        sb.AppendLine($"  \"optimizer\": {{ \"learning_rate\": {N(config.Optimizer.LearningRate)} }},");
        sb.AppendLine($"  \"schedule\": {{ \"iterations\": {config.Schedule.Iterations}, \"eval_every\": {config.Schedule.EvalEvery} }},  // optimisation steps; validation every eval_every steps and at the end");
        sb.AppendLine($"  \"output\": {J(config.Output)}  // checkpoints, logs, metrics");
        sb.AppendLine("}");
        return sb.ToString();
    }

    private static string SplitHint(DatasetKind kind) => kind switch
    {
        DatasetKind.Voc => "a list in ImageSets/Segmentation (train, val, trainval, train_aug) or a .txt path",
        DatasetKind.Ade20k => "train and val mean the training and validation folders",
        DatasetKind.Folder => "a folder under images/ and labels/, or a .txt list of images",
        DatasetKind.PlacesLt or DatasetKind.INaturalist => "a split name or a list / JSON file",
        _ => "a folder name",
    };
}
