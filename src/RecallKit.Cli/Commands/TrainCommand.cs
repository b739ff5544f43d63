using System.CommandLine;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Experiments;

namespace RecallKit.Cli.Commands;

/// <summary><c>recallkit train --config x.json [--set key=value …] [--resume]</c>.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "Training config (JSON, snake_case keys); defaults when omitted. Start one with: recallkit config init --data voc --root DIR > my.json; every key and default: recallkit config show." };
        var set = new Option<string[]>("--set") { Description = "Override a config key, e.g. --set loss.kind=recall (repeatable).", AllowMultipleArgumentsPerToken = true };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in the output directory from its last complete checkpoint." };
        var command = new Command("train", "Train a segmentation model or an image classifier (chosen by data.kind).") { config, set, resume };
        // Under mpirun with several ranks: data-parallel training (docs/distributed.md); rank 0 alone writes.
        command.SetAction(r => MpiAwareRun.Run(distributed =>
        {
            var loaded = ConfigLoader.Load(r.GetValue(config), r.GetValue(set) ?? []);
            using var interruption = new Interruption();
            if (distributed.Rank != 0)
            {
                var rankResult = Experiment.Train(loaded, r.GetValue(resume), TextWriter.Null, interruption.Token, null, DataWorkerCommand.StartInfo, distributed);
                return (rankResult.Completed ? 0 : interruption.ExitCode, !rankResult.Completed);
            }
            var result = TerminalProgress.Run((log, progress) => Experiment.Train(loaded, r.GetValue(resume), log, interruption.Token, progress, DataWorkerCommand.StartInfo, distributed));
            if (!result.Completed) return (interruption.ExitCode, true);
            Console.WriteLine($"done: {result.Iterations} steps, final {result.Evaluation!.Summary} " +
                $"(best {result.Evaluation.SelectionName} {100 * result.BestMetric:F2} at step {result.BestIteration}); metrics in {Path.Combine(result.Directory, RecallKit.Vision.RunFiles.RunDirectory.MetricsFile)}" +
                (distributed.Size > 1 ? $" ({distributed.Size} MPI ranks)" : ""));
            if (distributed.Size > 1 && result.Steps > 0)
                Console.WriteLine($"training steps: {result.Steps * (double)loaded.Data.BatchSize / result.StepTime.TotalSeconds:F1} images/s; " +
                    $"all-reduce per step {result.StepTraffic.Elapsed.TotalMilliseconds / result.Steps:F2} ms, {result.StepTraffic.Bytes / (double)result.Steps / (1 << 20):F2} MiB " +
                    $"in {result.StepTraffic.Calls / (double)result.Steps:F1} calls (rank 0)");
            return (0, false);
        }));
        return command;
    }
}
