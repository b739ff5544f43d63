using System.Globalization;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;
using RecallKit.Vision.RunFiles;
using RecallKit.Vision.Training;
using static TorchSharp.torch;

namespace RecallKit.Vision.Classification;

/// <summary>
/// The run directory of a stage that changes a trained classifier without training (τ-normalisation, logit adjustment): it
/// looks like a training run's — config, checkpoints, metrics, logs at step 0 — plus the sweep of the stage's τ.
/// </summary>
internal static class PostTrainingStageRun
{
    /// <summary>Locks the stage's run directory; a run already there is redone only with <paramref name="resume"/>.</summary>
    public static RunDirectory Open(TrainConfig config, bool resume)
    {
        var run = new RunDirectory(config.Output);
        try
        {
            run.Acquire();
            if (File.Exists(run.LastCheckpoint) && !resume)
                throw new IOException($"{run.Root} already holds a run ({run.LastCheckpoint}); pass --resume to redo the τ sweep there or choose another output directory.");
            return run;
        }
        catch
        {
            run.Dispose();
            throw;
        }
    }

    /// <summary>Writes the stage's files and returns its result.</summary>
    /// <param name="run">The run directory (locked).</param>
    /// <param name="sweepFile">The sweep's file name, e.g. tau_sweep.csv.</param>
    /// <param name="sweep">Every τ evaluated with its evaluation.</param>
    /// <param name="kept">The config recorded, with the chosen τ.</param>
    /// <param name="best">The evaluation of the chosen τ.</param>
    /// <param name="classes">The classes.</param>
    /// <param name="counts">Training samples per class.</param>
    /// <param name="network">The stage's network.</param>
    public static TrainingResult Write(RunDirectory run, string sweepFile, IEnumerable<(double tau, Evaluation evaluation)> sweep, TrainConfig kept,
        Evaluation best, DatasetClasses classes, IReadOnlyList<long> counts, nn.Module network)
    {
        File.WriteAllText(run.Combine(sweepFile), "tau," + string.Join(',', ClassificationEvaluation.ColumnNames) + "\n" +
            string.Concat(sweep.Select(p => $"{F(p.tau)},{string.Join(',', p.evaluation.Values.Select(F))}\n")));
        File.WriteAllText(run.Config, ConfigLoader.ToJson(kept));
        File.WriteAllText(run.TrainLog, string.Join(',', LogColumns.TrainLog(classes.Names)) + "\n");
        File.WriteAllText(run.EvalLog, string.Join(',', LogColumns.EvalLog(ClassificationEvaluation.ColumnNames)) + "\n" +
            "0," + string.Join(',', best.Values.Select(F)) + "\n");
        using var checkpoint = RunCheckpoint.Create(kept, new TrainingProgress(0, best.Selection, 0), classes, counts, network);
        checkpoint.Save(run.LastCheckpoint);
        checkpoint.Save(run.BestCheckpoint);
        var json = best.ToRecord(0, classes).ToJson();
        File.WriteAllText(run.BestMetrics, json);
        File.WriteAllText(run.Metrics, json);
        return new TrainingResult(run.Root, 0, true, best, best.Selection, 0);
    }

    private static string F(double v) => double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "";
}
