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
        using var run = new RunDirectory(config.Output);
        run.Acquire();
        if (File.Exists(run.LastCheckpoint) && !resume)
            throw new IOException($"{run.Root} already holds a run ({run.LastCheckpoint}); pass --resume to redo the τ sweep there or choose another output directory.");
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

        File.WriteAllText(run.Combine("tau_sweep.csv"), "tau," + string.Join(',', ClassificationEvaluation.ColumnNames) + "\n" +
            string.Concat(sweep.Select(p => $"{F(p.tau)},{string.Join(',', p.evaluation.Values.Select(F))}\n")));
        File.WriteAllText(run.Config, ConfigLoader.ToJson(config with { Model = config.Model with { Tau = bestTau } }));
        File.WriteAllText(run.TrainLog, string.Join(',', LogColumns.TrainLog(classes.Names)) + "\n");
        File.WriteAllText(run.EvalLog, string.Join(',', LogColumns.EvalLog(ClassificationEvaluation.ColumnNames)) + "\n" +
            "0," + string.Join(',', best.Values.Select(F)) + "\n");
        using var checkpoint = RunCheckpoint.Create(config with { Model = config.Model with { Tau = bestTau } }, new TrainingProgress(0, best.Selection, 0),
            classes, counts, network);
        checkpoint.Save(run.LastCheckpoint);
        checkpoint.Save(run.BestCheckpoint);
        var json = MetricsJson.Serialize(0, classes, best);
        File.WriteAllText(run.BestMetrics, json);
        File.WriteAllText(run.Metrics, json);
        return new TrainingResult(run.Root, 0, true, best, best.Selection, 0);
    }

    private static string F(double v) => double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "";
}
