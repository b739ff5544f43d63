using System.CommandLine;
using RecallKit.Vision.Experiments;
using RecallKit.Vision.Reports;

namespace RecallKit.Cli.Commands;

/// <summary><c>recallkit report RESULTS_DIR</c>.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var directory = new Argument<string>("results") { Description = "A comparison's output directory (one subdirectory per variant)." };
        var command = new Command("report", "Write report.md, report.html (self-contained, figures inline), results.csv and figures for a comparison's results.") { directory };
        command.SetAction(r => CliErrors.Run(() =>
        {
            var dir = r.GetValue(directory)!;
            Console.WriteLine(ReportSummary.TableOf(ComparisonReport.Write(dir, VisionTasks.Report)));
            Console.WriteLine($"report: {Path.Combine(dir, "report.md")} and {Path.Combine(dir, ComparisonReport.HtmlFileName)}");
            return 0;
        }));
        return command;
    }
}
