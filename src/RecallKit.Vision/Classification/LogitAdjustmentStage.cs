using System.Globalization;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;
using RecallKit.Vision.Inference;
using RecallKit.Vision.Models.Classification;
using RecallKit.Vision.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Vision.Classification;

/// <summary>
/// The post-hoc logit-adjustment stage (Menon et al. 2021): a jointly trained classifier (<c>model.init_from</c>) evaluated
/// with logits − τ·log π, π from the training split's class counts. With <c>model.tau</c> unset, τ = 0, 0.1, …, 2 are
/// evaluated on the validation split and the best top-1 is kept (written to <c>logit_adjust_sweep.csv</c>), as τ-normalisation
/// does. The weights are not changed: the run's checkpoint says <c>model.stage = logit_adjust</c> with the τ kept, and
/// <c>eval</c> / <c>predict</c> apply the adjustment to it. The run directory looks like a training run's.
/// </summary>
public static class LogitAdjustmentStage
{
    /// <summary>Evaluates <paramref name="network"/> (loaded from <c>model.init_from</c>) with adjusted logits and writes the run.</summary>
    public static TrainingResult Run(TrainConfig config, ClassificationNetwork network, DatasetClasses classes, IReadOnlyList<long> counts,
        IBatchSource val, bool resume, TextWriter log, CancellationToken cancellation)
    {
        if (config.Model.InitFrom is null) throw new ConfigException("model.stage = logit_adjust needs model.init_from (a jointly trained checkpoint).");
        for (int c = 0; c < counts.Count; c++)
            if (counts[c] <= 0)
                throw new InvalidDataException(
                    $"model.stage = logit_adjust: class {c} ({classes.Names[c]}) has no training samples in {config.Data.TrainSplit}, so its prior is 0 and log π = −∞.");
        using var run = PostTrainingStageRun.Open(config, resume);
        var device = config.Device == DeviceKind.Cuda ? CUDA : CPU;
        network.to(device);

        var taus = config.Model.Tau is { } fixedTau ? [fixedTau] : TauNormalization.Grid;
        var sweep = new List<(double tau, Evaluation evaluation)>();
        foreach (var tau in taus)
        {
            using var adjusted = new LogitAdjustedClassifier(network, counts, tau);
            var evaluation = ClassificationEvaluator.Evaluate(adjusted, val, classes.Count, device, counts, cancellation);
            sweep.Add((tau, evaluation));
            log.WriteLine($"logit adjustment τ = {tau:F1}: {evaluation.Summary}");
        }
        var (bestTau, best) = sweep.MaxBy(p => p.evaluation.Selection);
        log.WriteLine($"logit adjustment τ = {bestTau:F1} kept (best top-1 on {config.Data.ValSplit}).");

        var kept = config with { Model = config.Model with { Tau = bestTau } };
        return PostTrainingStageRun.Write(run, "logit_adjust_sweep.csv", sweep, kept, best, classes, counts, network);
    }
}
