using System.CommandLine;
using RecallKit.Vision.Experiments;
using RecallKit.Vision.Reports;

namespace RecallKit.Cli.Commands;

/// <summary><c>recallkit sweep --axis NAME --point VALUE=DIR … --out DIR</c>: comparisons that differ in one setting, side by side.</summary>
internal static class SweepCommand
{
    public static Command Create()
    {
        var axis = new Option<string>("--axis") { Description = "Name of the swept setting, used in the table and the figures.", Required = true };
        var points = new Option<string[]>("--point")
        {
            Description = "VALUE=DIRECTORY: the setting's value and that comparison's output directory (repeat for each point).",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var output = new Option<string>("--out") { Description = "Where sweep.md, sweep.csv and the figures go.", Required = true };
        var command = new Command("sweep", "Report comparisons that differ in one setting: metrics and paired differences vs cross-entropy per point, one figure per metric.")
            { axis, points, output };
        command.SetAction(r => CliErrors.Run(() =>
        {
            var markdown = SweepReport.Write(r.GetValue(axis)!, r.GetValue(points)!.Select(SweepReport.ParsePoint).ToArray(), r.GetValue(output)!, VisionTasks.Report);
            Console.WriteLine(ReportSummary.TableOf(markdown));
            Console.WriteLine($"sweep: {Path.Combine(r.GetValue(output)!, "sweep.md")}");
            return 0;
        }));
        return command;
    }
}
