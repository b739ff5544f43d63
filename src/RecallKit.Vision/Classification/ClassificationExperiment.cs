using System.Diagnostics;
using RecallKit.Losses;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data.Classification;
using RecallKit.Vision.Data;
using RecallKit.Vision.Distributed;
using RecallKit.Vision.Models.Classification;
using RecallKit.Vision.Models;
using RecallKit.Vision.RunFiles;
using RecallKit.Vision.Tasks;
using RecallKit.Vision.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Vision.Classification;

/// <summary>
/// Builds a classification run from its config — dataset, sampler, network (linear or SDN heads), loss, decoupling stage —
/// and trains it with the shared <see cref="Trainer"/>; τ-normalisation runs without training.
/// </summary>
public static class ClassificationExperiment
{
    /// <summary>Trains (or resumes) the run described by <paramref name="config"/>, as this rank of <paramref name="distributed"/> (default: one process).</summary>
    public static TrainingResult Train(TrainConfig config, bool resume, TextWriter log, CancellationToken cancellation = default,
        IProgress<TrainingStatus>? progress = null, Func<TrainConfig, ProcessStartInfo>? data_worker = null,
        IDistributed? distributed = null)
    {
        distributed ??= SingleProcess.Instance;
        var data = ConfiguredData.Classification(config.Data);
        var classes = ClassificationDatasets.Describe(data.Train.ClassNames);
        var counts = data.Train.SamplesPerClass();
        log.WriteLine($"{config.Data.Kind}: {data.Train.Count} training images in {classes.Count} classes (largest {counts.Max()}, smallest {counts.Min()}), {data.Val.Count} validation images");

        manual_seed(config.Seed);
        // On resume (except τ-norm, which trains nothing) the run's own checkpoint replaces every weight: init_from is not read.
        bool resuming = resume && ConfigApplicability.Trains(config) && File.Exists(new RunDirectory(config.Output).LastCheckpoint);
        using var network = CreateNetwork(config, classes.Count, log, classes.Names, initialise: !resuming);
        var m = config.Model;
        if (m.Stage == TrainingStage.TauNorm)
            return TauNormalization.Run(config, network, classes, counts,
                new ClassificationBatches(data.Val, config.Data.EvalBatchSize, data.Augmentation, training: false, skip_bad_files: config.Data.SkipBadFiles),
                resume, log, cancellation);
        if (m.Stage == TrainingStage.LogitAdjust)
            return LogitAdjustmentStage.Run(config, network, classes, counts,
                new ClassificationBatches(data.Val, config.Data.EvalBatchSize, data.Augmentation, training: false, skip_bad_files: config.Data.SkipBadFiles),
                resume, log, cancellation);

        using var loss = CreateLoss(config, classes.Count, counts, DistributedTensors.CountReducer(distributed));
        int drwStart = (int)Math.Round(config.Loss.TrainedTerms[0].Ldam.DrwStart * config.Schedule.Iterations);
        var task = new ClassificationTask(network, loss, classes, counts, drwStart);
        return RankTraining.Run(config, task, shard => TrainBatches(config, data, shard),
            shard => new ClassificationBatches(data.Val, config.Data.EvalBatchSize, data.Augmentation, training: false,
                skip_bad_files: config.Data.SkipBadFiles, shard: shard),
            resume, log, cancellation, progress, data_worker, distributed);
    }

    /// <summary>The training batches of <paramref name="config"/> (sampler, order and augmentation seeded by the config).</summary>
    /// <param name="config">The run.</param>
    /// <param name="data">The dataset.</param>
    /// <param name="shard">This rank's slice of every batch in a data-parallel run (default: the whole batch).</param>
    public static ClassificationBatches TrainBatches(TrainConfig config, ClassificationData data, DataShard shard = default) =>
        new(data.Train, config.Data.BatchSize, data.Augmentation, training: true, config.Data.Sampler, config.Seed, config.Data.SkipBadFiles, shard,
            config.Schedule.Iterations);

    /// <summary>The network of <paramref name="config"/>, initialised (ImageNet backbone or <c>model.init_from</c>) and frozen as its stage asks.</summary>
    /// <param name="config">The run.</param>
    /// <param name="num_classes">Classes of the dataset.</param>
    /// <param name="log">Where initialisation is reported.</param>
    /// <param name="class_names">The dataset's class names, checked against an <c>init_from</c> checkpoint's.</param>
    /// <param name="initialise">Load <c>model.backbone_weights</c> / <c>model.init_from</c> (false when a resumed checkpoint replaces them).</param>
    public static ClassificationNetwork CreateNetwork(TrainConfig config, int num_classes, TextWriter log, IReadOnlyList<string>? class_names = null,
        bool initialise = true)
    {
        var m = config.Model;
        var network = ClassificationModels.Create(m.Architecture, num_classes, ClassificationDatasets.Channels(config.Data.Kind), m.Head == HeadKind.Sdn,
            m.Classifier == ClassifierKind.Cosine);
        try
        {
            if (initialise && m.BackboneWeights is { } weights)
            {
                if (network.Backbone is not ResNetFeatures resnet)
                    throw new ArgumentException($"model.backbone_weights is set but {m.Architecture} is not a torchvision ResNet.");
                var report = BackboneWeights.Load(resnet.Trunk, weights);
                log.WriteLine($"backbone weights: {report.Loaded.Count} tensors loaded from {weights}");
            }
            if (initialise && m.InitFrom is { } init)
            {
                using var source = InitialWeights.Load(init);
                // A bare PyTorch state_dict says nothing about itself: its keys and shapes are checked below.
                if (source.Architecture is { } architecture && source.ClassNames is { } names
                    && (architecture != m.Architecture || source.Head != m.Head || source.Classifier != m.Classifier || names.Count != num_classes))
                    throw new InvalidDataException(
                        $"model.init_from = {init} holds a {architecture} ({source.Head} head, {source.Classifier} classifier, {names.Count} classes); this run needs {m.Architecture} ({m.Head} head, {m.Classifier} classifier, {num_classes} classes).");
                if (class_names is not null && source.ClassNames is { } trained && !trained.SequenceEqual(class_names))
                    throw new InvalidDataException($"model.init_from = {init} was trained on classes {string.Join(", ", trained.Take(5))}, … which differ from this dataset's {string.Join(", ", class_names.Take(5))}, … (names or order).");
                ModelKeys.Check(init, source.Shapes(), network, $"{m.Architecture} with {num_classes} classes");
                using (no_grad())
                    foreach (var (key, tensor) in network.state_dict()) tensor.copy_(source.State[key]);
                log.WriteLine($"initialised from {init}{(source.IsPyTorch ? " (PyTorch state_dict)" : "")}");
            }
            switch (m.Stage)
            {
                case TrainingStage.Crt:
                    network.FreezeBackbone();
                    if (network.DecoupledHead is { } g) foreach (var p in g.parameters()) p.requires_grad = false;
                    network.ResetClassifier();
                    break;
                case TrainingStage.Lws:
                    network.FreezeBackbone();
                    foreach (var p in network.Classifier.parameters()) p.requires_grad = false;
                    if (network.DecoupledHead is { } h) foreach (var p in h.parameters()) p.requires_grad = false;
                    network.Scales.requires_grad = true;
                    break;
            }
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The configured loss; with SDN heads, g gets it and h gets class-balanced CE (β = loss.beta). A data-parallel run passes
    /// its all-reduce of per-class batch counts as <c>count_reducer</c> (<see cref="LossFactory.Create"/>).
    /// </summary>
    public static nn.Module CreateLoss(TrainConfig config, int num_classes, IReadOnlyList<long> counts, Func<Tensor, Tensor>? count_reducer = null)
    {
        var main = LossFactory.Create(config.Loss, num_classes, ClassificationDatasets.IgnoreIndex, counts, count_reducer);
        if (config.Model.Head != HeadKind.Sdn || config.Model.Stage != TrainingStage.Joint) return main;
        var head = new ClassBalancedCrossEntropy(num_classes, counts, config.Loss.ClassBalanced.Beta, ignore_index: ClassificationDatasets.IgnoreIndex);
        return new DecoupledLoss(main, head);
    }
}
