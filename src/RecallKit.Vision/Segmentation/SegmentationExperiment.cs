using System.Diagnostics;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data.Prefetch;
using RecallKit.Vision.Data;
using RecallKit.Vision.Distributed;
using RecallKit.Vision.Models;
using RecallKit.Vision.RunFiles;
using RecallKit.Vision.Tasks;
using RecallKit.Vision.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Vision.Segmentation;

/// <summary>Builds everything a config describes — datasets, batches, model, loss — and trains it.</summary>
public static class SegmentationExperiment
{
    /// <summary>Trains (or resumes) the run described by <paramref name="config"/>.</summary>
    /// <param name="config">The run.</param>
    /// <param name="resume">Continue the run in the output directory.</param>
    /// <param name="log">Progress lines.</param>
    /// <param name="cancellation">Stops at the next step boundary with a checkpoint.</param>
    /// <param name="progress">Per-step status.</param>
    /// <param name="data_worker">Starts a data worker process (see <see cref="WorkerBatches"/>); null loads data in this process.</param>
    /// <param name="distributed">The ranks of a data-parallel run (default: this process alone).</param>
    public static TrainingResult Train(TrainConfig config, bool resume, TextWriter log, CancellationToken cancellation = default,
        IProgress<TrainingStatus>? progress = null, Func<TrainConfig, ProcessStartInfo>? data_worker = null,
        IDistributed? distributed = null)
    {
        distributed ??= SingleProcess.Instance;
        var trainSet = ConfiguredData.Segmentation(config.Data, config.Data.TrainSplit, log);
        var valSet = ConfiguredData.Segmentation(config.Data, config.Data.ValSplit, log);
        var classes = trainSet.Classes;
        if (distributed.Rank == 0) RecordData(config, trainSet, valSet);
        long[]? counts = LossFactory.NeedsClassCounts(config.Loss)
            ? TrainingSplitCounts.Get(trainSet, config.Data.Root, config.Data.TrainSplit, config.Data.SkipBadFiles)
            : null;

        manual_seed(config.Seed);
        using var model = SegmentationModels.Create(config.Model.Architecture, classes.Count, config.Model.OutputStride, config.Model.AuxHead);
        if (config.Model.BackboneWeights is { } weights)
        {
            if (model is not DeepLabV3Plus deeplab)
                throw new ArgumentException($"model.backbone_weights is set but {config.Model.Architecture} has no ResNet backbone.");
            var report = BackboneWeights.Load(deeplab.Backbone, weights);
            log.WriteLine($"backbone weights: {report.Loaded.Count} tensors loaded from {weights}" +
                (report.Missing.Count > 0 ? $"; not in the file: {string.Join(", ", report.Missing.Take(5))}{(report.Missing.Count > 5 ? ", …" : "")}" : ""));
        }
        // On resume the run's own checkpoint replaces every weight: the init_from file is not needed (it may have moved).
        if (config.Model.InitFrom is { } init && !(resume && File.Exists(new RunDirectory(config.Output).LastCheckpoint)))
            SegmentationInitialisation.Apply(model, init, config.Model.Architecture, classes, log);
        var countReducer = DistributedTensors.CountReducer(distributed);
        using var loss = LossFactory.Create(config.Loss, classes.Count, classes.IgnoreIndex, counts, countReducer);
        using var auxiliary = config.Model.AuxHead
            ? new AuxiliaryLoss(loss, LossFactory.Create(config.Loss, classes.Count, classes.IgnoreIndex, counts, countReducer), config.Loss.AuxWeight)
            : null;
        return RankTraining.Run(config, new SegmentationTask(model, loss, classes, auxiliary), shard => TrainBatches(config, trainSet, shard),
            shard => new DatasetBatches(valSet, config.Data.EvalBatchSize, null, config.Seed, config.Data.SkipBadFiles, shard),
            resume, log, cancellation, progress, data_worker, distributed);
    }

    /// <summary>
    /// What a run was trained on, recorded once by rank 0 when it starts (never overwritten): the label fingerprint of both splits, so
    /// that a comparison reusing the run can tell whether the label files changed since (Experiments/EarlierRun).
    /// </summary>
    private static void RecordData(TrainConfig config, ISegmentationDataset trainSet, ISegmentationDataset valSet)
    {
        var run = new RunDirectory(config.Output);
        if (File.Exists(run.DataFingerprint)) return;
        Directory.CreateDirectory(run.Root);
        File.WriteAllText(run.DataFingerprint, DataFingerprint(trainSet, valSet));
    }

    /// <summary>The text recorded in a run's data_fingerprint.txt for these splits.</summary>
    public static string DataFingerprint(ISegmentationDataset trainSet, ISegmentationDataset valSet) =>
        $"train {trainSet.LabelFingerprint}\nval {valSet.LabelFingerprint}\n";

    /// <summary>The training batches of <paramref name="config"/> (order and augmentation seeded by the config).</summary>
    /// <param name="config">The run.</param>
    /// <param name="trainSet">The training split.</param>
    /// <param name="shard">This rank's slice of every batch in a data-parallel run (default: the whole batch).</param>
    public static DatasetBatches TrainBatches(TrainConfig config, ISegmentationDataset trainSet, DataShard shard = default) =>
        new(trainSet, config.Data.BatchSize,
            new AugmentationOptions(config.Data.Segmentation.CropWidth, config.Data.Segmentation.CropHeight, config.Data.Segmentation.ScaleMin,
                config.Data.Segmentation.ScaleMax, config.Data.Flip, config.Data.Segmentation.ColorJitter),
            config.Seed, config.Data.SkipBadFiles, shard, RepeatedSamples(config, trainSet));

    /// <summary>With <c>data.repeat_threshold</c>: each training image ⌈r_i⌉ times (<see cref="RepeatFactors"/>); otherwise null.</summary>
    public static int[]? RepeatedSamples(TrainConfig config, ISegmentationDataset trainSet) =>
        config.Data.RepeatFactor.Threshold is { } threshold
            ? RepeatFactors.Indices(RepeatFactors.Compute(
                ClassPresence.Get(trainSet, config.Data.Root, config.Data.TrainSplit, config.Data.SkipBadFiles), trainSet.Classes.Count, threshold))
            : null;
}
