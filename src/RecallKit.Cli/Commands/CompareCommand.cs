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
        var set = new Option<string[]>("--set") { Description = "Override a key of every variant's config, e.g. --set schedule.iterations=300; --set output=DIR moves the whole comparison.", AllowMultipleArgumentsPerToken = true };
        var rerun = new Option<bool>("--rerun") { Description = "Delete and train again the runs in the output that were trained with other settings than the comparison now asks for (without it, such runs are an error)." };
        var command = new Command("compare", "Train several losses with identical data, order and schedule, then write the report.") { config, set, rerun };
        // Under mpirun with several ranks every run is data-parallel (docs/distributed.md); rank 0 alone writes.
        command.SetAction(r => MpiAwareRun.Run(distributed =>
        {
            var (comparison, overrides) = ComparisonConfig.Load(r.GetValue(config)!).WithOverrides(r.GetValue(set) ?? []);
            using var interruption = new Interruption();
            if (distributed.Rank != 0)
            {
                bool cancelled = ComparisonRunner.Run(comparison, TextWriter.Null, overrides, interruption.Token, null, DataWorkerCommand.StartInfo, r.GetValue(rerun), distributed) is null;
                return (cancelled ? interruption.ExitCode : 0, cancelled);
            }
            var markdown = TerminalProgress.Run((log, progress) => ComparisonRunner.Run(comparison, log, overrides, interruption.Token, progress, DataWorkerCommand.StartInfo, r.GetValue(rerun), distributed));
            if (markdown is null) return (interruption.ExitCode, true);
            Console.WriteLine(ReportSummary.TableOf(markdown));
            Console.WriteLine($"report: {Path.Combine(comparison.Output, "report.md")}" + (distributed.Size > 1 ? $" ({distributed.Size} MPI ranks)" : ""));
            return (0, false);
        }));
        return command;
    }
}
