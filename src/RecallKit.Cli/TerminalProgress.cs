using RecallKit.Vision.Training;
using Spectre.Console;

namespace RecallKit.Cli;

/// <summary>
/// On a terminal, runs the work inside a Spectre.Console progress display (a bar per run with loss, learning rate, images/s
/// and time left); when the output is redirected, runs it as is and the trainer prints one plain line per log step.
/// The display is redrawn from the training thread (no auto-refresh thread): an allocating background thread can trigger a
/// garbage collection while libtorch runs, and TorchSharp 0.107 may then free a Scalar libtorch is reading (see DatasetBatches).
/// </summary>
internal static class TerminalProgress
{
    public static T Run<T>(Func<TextWriter, IProgress<TrainingStatus>?, T> work)
    {
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
            return work(Console.Out, null);
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .AutoRefresh(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var progress = new Reporter(status =>
                {
                    if (!tasks.TryGetValue(status.Run, out var task))
                        tasks[status.Run] = task = context.AddTask(status.Run, maxValue: status.Total);
                    task.Value = status.Iteration;
                    var loss = double.IsNaN(status.Loss) ? "…" : status.Loss.ToString("F4");
                    task.Description = Markup.Escape($"{status.Run}  loss {loss}  lr {status.LearningRate:G3}  {status.ImagesPerSecond:F1} img/s");
                    if (clock.ElapsedMilliseconds >= 200 || status.Iteration == status.Total)
                    {
                        context.Refresh();
                        clock.Restart();
                    }
                });
                result = work(new LineWriter(), progress);
            });
        return result;
    }

    /// <summary>Lines written while the display is live go through Spectre, which prints them above the bars.</summary>
    private sealed class LineWriter : TextWriter
    {
        private readonly System.Text.StringBuilder line = new();

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void Write(char value)
        {
            if (value == '\n')
            {
                AnsiConsole.WriteLine(line.ToString());
                line.Clear();
            }
            else if (value != '\r')
            {
                line.Append(value);
            }
        }
    }

    /// <summary>Reports synchronously on the training thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class Reporter(Action<TrainingStatus> report) : IProgress<TrainingStatus>
    {
        public void Report(TrainingStatus value) => report(value);
    }
}
