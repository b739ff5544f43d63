using System.Globalization;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;
using RecallKit.Vision.Models.Classification;
using RecallKit.Vision.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Vision.Classification;

/// <summary>
/// The τ-normalisation stage (Kang et al. 2020): rescale the classifier rows of a jointly trained model by ‖w_c‖^−τ.
/// With <c>model.tau</c> unset, τ = 0, 0.1, …, 2 are evaluated on the validation split and the best top-1 is kept
/// (written to <c>tau_sweep.csv</c>). The run directory looks like a training run's (config, checkpoints, metrics, logs).
/// </summary>
public static class TauNormalization
{
    /// <summary>The τ values swept when none is given.</summary>
    public static IReadOnlyList<double> Grid { get; } = Enumerable.Range(0, 21).Select(i => i / 10.0).ToArray();

    /// <summary>Normalises <paramref name="network"/> (loaded from <c>model.init_from</c>) and writes the run.</summary>
    public static TrainingResult Run(TrainConfig config, ClassificationNetwork network, DatasetClasses classes, IReadOnlyList<long> counts,
        IBatchSource val, bool resume, TextWriter log, CancellationToken cancellation)
    {
        if (config.Model.InitFrom is null) throw new ConfigException("model.stage = tau_norm needs model.init_from (a jointly trained checkpoint).");
        using var run = PostTrainingStageRun.Open(config, resume);
        var device = config.Device == DeviceKind.Cuda ? CUDA : CPU;
        network.to(device);
        var weight = network.Classifier.weight!.detach().clone();
        var bias = network.Classifier.bias!.detach().clone();
        void Restore()
        {
            using var _ = no_grad();
            network.Classifier.weight!.copy_(weight);
            network.Classifier.bias!.copy_(bias);
        }

        var taus = config.Model.Tau is { } fixedTau ? [fixedTau] : Grid;
        var sweep = new List<(double tau, Evaluation evaluation)>();
        foreach (var tau in taus)
        {
            Restore();
            network.TauNormalize(tau);
            var evaluation = ClassificationEvaluator.Evaluate(network, val, classes.Count, device, counts, cancellation);
            sweep.Add((tau, evaluation));
            log.WriteLine($"τ = {tau:F1}: {evaluation.Summary}");
        }
        var (bestTau, best) = sweep.MaxBy(p => p.evaluation.Selection);
        Restore();
        network.TauNormalize(bestTau);
        log.WriteLine($"τ = {bestTau:F1} kept (best top-1 on {config.Data.ValSplit}).");

        return PostTrainingStageRun.Write(run, "tau_sweep.csv", sweep, config with { Model = config.Model with { Tau = bestTau } }, best, classes, counts, network);
    }
}
