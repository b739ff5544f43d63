using System.CommandLine;
using RecallKit.Vision.Experiments;

namespace RecallKit.Cli.Commands;

/// <summary><c>recallkit compare --config experiments/x.json</c>: every variant × seed, then the report; under
/// <c>mpirun -np K</c> every run is data-parallel over the K ranks.</summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "Comparison file (see experiments/).", Required = true };
        var set = new Option<string[]>("--set") { Description = "Override a key of every variant's config, e.g. --set schedule.iterations=300.", AllowMultipleArgumentsPerToken = true };
        var command = new Command("compare", "Train several losses with identical data, order and schedule, then write the report.") { config, set };
        // Under mpirun with several ranks every run is data-parallel (docs/distributed.md); rank 0 alone writes.
        command.SetAction(r => MpiAwareRun.Run(distributed =>
        {
            var comparison = ComparisonConfig.Load(r.GetValue(config)!);
            using var interruption = new Interruption();
            if (distributed.Rank != 0)
            {
                bool cancelled = ComparisonRunner.Run(comparison, TextWriter.Null, r.GetValue(set), interruption.Token, null, DataWorkerCommand.StartInfo) is null;
                return (cancelled ? CliErrors.RunError : 0, cancelled);
            }
            var markdown = TerminalProgress.Run((log, progress) => ComparisonRunner.Run(comparison, log, r.GetValue(set), interruption.Token, progress, DataWorkerCommand.StartInfo));
            if (markdown is null) return (CliErrors.RunError, true);
            Console.WriteLine(ReportSummary.TableOf(markdown));
            Console.WriteLine($"report: {Path.Combine(comparison.Output, "report.md")}" + (distributed.Size > 1 ? $" ({distributed.Size} MPI ranks)" : ""));
            return (0, false);
        }));
        return command;
    }
}
