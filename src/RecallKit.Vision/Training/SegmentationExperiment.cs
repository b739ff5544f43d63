using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;
using RecallKit.Vision.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Vision.Training;

/// <summary>Builds everything a config describes — datasets, batches, model, loss — and trains it.</summary>
public static class SegmentationExperiment
{
    /// <summary>Trains (or resumes) the run described by <paramref name="config"/>.</summary>
    public static TrainingResult Train(TrainConfig config, bool resume, TextWriter log, CancellationToken cancellation = default,
        IProgress<TrainingStatus>? progress = null)
    {
        var trainSet = SegmentationDatasets.Open(config.Data, config.Data.TrainSplit, log);
        var valSet = SegmentationDatasets.Open(config.Data, config.Data.ValSplit, log);
        var classes = trainSet.Classes;
        long[]? counts = LossFactory.NeedsClassCounts(config.Loss.Kind)
            ? TrainingClassCounts.Get(trainSet, config.Data.Root, config.Data.TrainSplit)
            : null;

        manual_seed(config.Seed);
        using var model = SegmentationModels.Create(config.Model.Architecture, classes.Count, config.Model.OutputStride);
        if (config.Model.BackboneWeights is { } weights)
        {
            if (model is not DeepLabV3Plus deeplab)
                throw new ArgumentException($"model.backbone_weights is set but {config.Model.Architecture} has no ResNet backbone.");
            var report = BackboneWeights.Load(deeplab.Backbone, weights);
            log.WriteLine($"backbone weights: {report.Loaded.Count} tensors loaded from {weights}" +
                (report.Missing.Count > 0 ? $"; not in the file: {string.Join(", ", report.Missing.Take(5))}{(report.Missing.Count > 5 ? ", …" : "")}" : ""));
        }
        using var loss = LossFactory.Create(config.Loss, classes.Count, classes.IgnoreIndex, counts);
        var augmentation = new AugmentationOptions(config.Data.CropWidth, config.Data.CropHeight, config.Data.ScaleMin, config.Data.ScaleMax,
            config.Data.Flip, config.Data.ColorJitter);
        var train = new DatasetBatches(trainSet, config.Data.BatchSize, augmentation, config.Seed, config.Data.SkipBadFiles);
        var val = new DatasetBatches(valSet, config.Data.EvalBatchSize, null, config.Seed, config.Data.SkipBadFiles);
        var result = new Trainer(config, new SegmentationTask(model, loss, classes), train, val, log) { Progress = progress }.Run(resume, cancellation);
        foreach (var (file, reason) in train.SkippedFiles.Concat(val.SkippedFiles).OrderBy(p => p.Key, StringComparer.Ordinal))
            log.WriteLine($"skipped {file}: {reason}");
        if (train.SkippedFiles.Count + val.SkippedFiles.Count > 0)
            log.WriteLine($"skipped {train.SkippedFiles.Count} training and {val.SkippedFiles.Count} validation file(s) (data.skip_bad_files).");
        return result;
    }
}
