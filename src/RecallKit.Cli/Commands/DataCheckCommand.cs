using System.CommandLine;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data.Checks;
using RecallKit.Vision.Experiments;
using RecallKit.Vision.Reports;
using Spectre.Console;

namespace RecallKit.Cli.Commands;

/// <summary>
/// <c>recallkit data check --config X [--set …] [--out DIR]</c>: reads every image/label pair of the training and validation
/// splits once, prints what it found and every kind of problem with its first file; exit 1 when training would stop.
/// </summary>
internal static class DataCheckCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "Training config (JSON); defaults when omitted." };
        var set = new Option<string[]>("--set") { Description = "Override a config key, e.g. --set data.root=DIR (repeatable).", AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out") { Description = "Where data_check.md and class_frequencies.png go.", DefaultValueFactory = _ => "data-check" };
        var command = new Command("check", "Read every image and label of the training and validation splits once and report counts, sizes, label encodings and problems.")
            { config, set, output };
        command.SetAction(r => CliErrors.Run(() =>
        {
            var loaded = ConfigLoader.Load(r.GetValue(config), r.GetValue(set) ?? []);
            var data = loaded.Data;
            Console.WriteLine($"data check: {ConfigLoader.Name(data.Kind)} dataset at {Path.GetFullPath(data.Root)}");
            var (names, unit, checks, fatal) = VisionTasks.For(loaded).CheckData(data, WithProgress, Console.Out);
            if (checks.Count > 0)
            {
                Console.Write(DataCheckReport.Write(r.GetValue(output)!, names, unit, checks));
                Console.WriteLine($"report: {Path.Combine(r.GetValue(output)!, "data_check.md")}" +
                    (names.Count <= ComparisonReport.MaxClassesInFigures ? $", chart: {Path.Combine(r.GetValue(output)!, DataCheckReport.ChartFile)}" : ""));
            }
            foreach (var f in fatal) Console.WriteLine($"problem: {f}");
            int problems = checks.Sum(c => c.Problems.Count);
            if (fatal.Count > 0 || (problems > 0 && !data.SkipBadFiles))
            {
                Console.Error.WriteLine($"data check: {fatal.Count + problems} kind(s) of problem; training would stop at the first file listed above.");
                return CliErrors.RunError;
            }
            Console.WriteLine(problems > 0
                ? $"data check: {problems} kind(s) of problem; data.skip_bad_files = true, so training skips those samples."
                : "data check: every sample read; training can start.");
            return 0;
        }));
        return command;
    }

    /// <summary>Runs a check with a progress bar on a terminal, plainly otherwise.</summary>
    private static SplitCheck WithProgress(string split, int total, Func<IProgress<int>?, SplitCheck> check)
    {
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive) return check(null);
        SplitCheck result = null!;
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape($"reading '{split}'"), maxValue: Math.Max(1, total));
                result = check(new Progress<int>(done => task.Value = Math.Max(task.Value, done))); // reports may arrive out of order
            });
        return result;
    }
}
