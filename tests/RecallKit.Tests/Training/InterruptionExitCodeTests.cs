using System.Diagnostics;
using System.Text;

namespace RecallKit.Tests.Training;

/// <summary>
/// The real <c>recallkit train</c> stopped by Ctrl+C (SIGINT) or SIGTERM writes a checkpoint and exits with the shell's
/// convention, 128 + signal (130, 143), so scripts can tell a clean interruption from an error (1) and from success (0).
/// </summary>
[Collection(nameof(RecallKit.Tests.Support.GlobalTorchState))]
public sealed class InterruptionExitCodeTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-interrupt-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Theory]
    [InlineData("INT", 130, "Ctrl+C: stopping")]
    [InlineData("TERM", 143, "SIGTERM: stopping")]
    public void ACleanStopOnASignalExitsWith128PlusTheSignal(string signal, int expected, string message)
    {
        var output = Path.Combine(dir, "run");
        // A shell starts background jobs with SIGINT ignored, a process keeps an ignored signal ignored, and a non-interactive
        // bash cannot reset a signal ignored on entry (`trap - INT` does nothing then): restore SIGINT's default, as an
        // interactive terminal has it, in a small Python exec wrapper instead.
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[]
                 {
                     "-c", "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])",
                     "dotnet", Support.CliProcess.Assembly(), "train", "--set", $"data.root={Path.Combine(dir, "data")}", "--set", "data.crop_width=64",
                     "--set", "data.crop_height=32", "--set", "data.batch_size=2", "--set", "data.synthetic_train=4", "--set", "data.synthetic_val=2",
                     "--set", "schedule.iterations=5000", "--set", "schedule.checkpoint_every=2", "--set", "data.prefetch=off", "--set", $"output={output}",
                 })
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var errors = new StringBuilder();
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { lock (errors) errors.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var checkpoint = Path.Combine(output, "last.ckpt");
        var watch = Stopwatch.StartNew();
        while (!File.Exists(checkpoint) && !process.HasExited && watch.Elapsed < TimeSpan.FromMinutes(2)) Thread.Sleep(50);
        Assert.False(process.HasExited, $"the run ended before the signal: {errors}");
        using (var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            kill.WaitForExit();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), "the run did not stop");
        process.WaitForExit(); // drain the output events
        Assert.True(process.ExitCode == expected, $"exit {process.ExitCode}: {errors}");
        Assert.Contains(message, errors.ToString());
        Assert.InRange(Support.CheckpointFile.Step(checkpoint), 2, 4999);
    }
}
