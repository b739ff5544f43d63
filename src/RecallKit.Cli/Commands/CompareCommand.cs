using System.CommandLine;
using RecallKit.Vision.Training;

namespace RecallKit.Cli.Commands;

/// <summary><c>recallkit compare --config experiments/x.json</c>: every variant × seed, then the report.</summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "Comparison file (see experiments/).", Required = true };
        var set = new Option<string[]>("--set") { Description = "Override a key of every variant's config, e.g. --set schedule.iterations=300.", AllowMultipleArgumentsPerToken = true };
        var command = new Command("compare", "Train several losses with identical data, order and schedule, then write the report.") { config, set };
        command.SetAction(r => CliErrors.Run(() =>
        {
            var comparison = ComparisonConfig.Load(r.GetValue(config)!);
            using var interruption = new Interruption();
            var markdown = TerminalProgress.Run((log, progress) => ComparisonRunner.Run(comparison, log, r.GetValue(set), interruption.Token, progress, DataWorkerCommand.StartInfo));
            if (markdown is null) return CliErrors.RunError;
            Console.WriteLine(ReportSummary.TableOf(markdown));
            Console.WriteLine($"report: {Path.Combine(comparison.Output, "report.md")}");
            return 0;
        }));
        return command;
    }
}
