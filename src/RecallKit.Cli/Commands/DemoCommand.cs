using System.CommandLine;
using RecallKit.Vision.Experiments;

namespace RecallKit.Cli.Commands;

/// <summary>
/// <c>recallkit demo</c>: generates the synthetic scenes if needed, trains the small network with cross-entropy, recall
/// cross-entropy and class-balanced cross-entropy (β auto) under one seed and schedule, and prints the comparison (the full report goes to the output directory).
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--output") { Description = "Where runs and the report go.", DefaultValueFactory = _ => "runs/demo" };
        var data = new Option<string>("--data") { Description = "Where the synthetic scenes are generated.", DefaultValueFactory = _ => "data/synthetic" };
        var iterations = new Option<int>("--iterations") { Description = "Training steps per loss.", DefaultValueFactory = _ => 1500 };
        var seeds = new Option<int[]>("--seeds") { Description = "Seeds (mean ± std over several).", DefaultValueFactory = _ => [0], AllowMultipleArgumentsPerToken = true };
        var command = new Command("demo", "Compare cross-entropy, recall loss and class-balanced cross-entropy on built-in synthetic driving scenes (minutes on a laptop CPU).")
            { output, data, iterations, seeds };
        command.SetAction(r => CliErrors.Run(() =>
        {
            var comparison = DemoComparison.Create(r.GetValue(output)!, r.GetValue(data)!, r.GetValue(iterations), r.GetValue(seeds)!);
            using var interruption = new Interruption();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var markdown = TerminalProgress.Run((log, progress) => ComparisonRunner.Run(comparison, log, cancellation: interruption.Token, progress: progress, data_worker: DataWorkerCommand.StartInfo));
            if (markdown is null) return interruption.ExitCode;
            Console.WriteLine();
            Console.WriteLine(ReportSummary.TableOf(markdown));
            Console.WriteLine($"\n{watch.Elapsed:mm\\:ss} — report with figures: {Path.Combine(comparison.Output, "report.md")}");
            return 0;
        }));
        return command;
    }
}
