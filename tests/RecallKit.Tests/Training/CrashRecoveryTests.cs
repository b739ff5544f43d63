using System.Diagnostics;
using RecallKit.Vision.Training;

namespace RecallKit.Tests.Training;

/// <summary>
/// The real <c>recallkit train</c> process, killed with SIGKILL in the middle of a run and resumed, ends with the same weights,
/// metrics and logs as an uninterrupted run with the same seed.
/// </summary>
[Collection(nameof(RecallKit.Tests.Support.GlobalTorchState))]
public sealed class CrashRecoveryTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-crash-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private Process Start(string output, bool resume)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[]
                 {
                     Support.CliProcess.Assembly(), "train", "--set", $"data.root={Path.Combine(dir, "data")}", "--set", "data.crop_width=64", "--set", "data.crop_height=32",
                     "--set", "data.batch_size=4", "--set", "data.synthetic_train=12", "--set", "data.synthetic_val=4", "--set", "loss.kind=recall",
                     "--set", "loss.ema_alpha=0.5", "--set", "schedule.iterations=60", "--set", "schedule.eval_every=30", "--set", "schedule.log_every=5",
                     "--set", "schedule.checkpoint_every=5", "--set", "threads=2", "--set", $"output={output}",
                 })
            info.ArgumentList.Add(a);
        if (resume) info.ArgumentList.Add("--resume");
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static byte[] ModelBytes(string run) => Support.CheckpointFile.Bytes(Path.Combine(run, "last.ckpt"), "model");

    [Fact]
    public void KillNineThenResumeEqualsAnUninterruptedRun()
    {
        var straight = Path.Combine(dir, "straight");
        using (var p = Start(straight, resume: false))
        {
            Assert.True(p.WaitForExit(TimeSpan.FromMinutes(3)), "uninterrupted run timed out");
            Assert.Equal(0, p.ExitCode);
        }

        var killed = Path.Combine(dir, "killed");
        using (var p = Start(killed, resume: false))
        {
            var watch = Stopwatch.StartNew();
            int step = 0;
            while (step < 20 && watch.Elapsed < TimeSpan.FromMinutes(2) && !p.HasExited)
            {
                Thread.Sleep(50);
                var ckpt = Path.Combine(killed, "last.ckpt");
                try
                {
                    if (File.Exists(ckpt)) step = Support.CheckpointFile.Step(ckpt);
                }
                catch (IOException)
                {
                    // being replaced right now
                }
            }
            Assert.False(p.HasExited, "the run finished before it could be killed");
            p.Kill(entireProcessTree: true); // SIGKILL: no chance to write anything
            p.WaitForExit();
        }
        int killedAt = Support.CheckpointFile.Step(Path.Combine(killed, "last.ckpt"));
        Assert.InRange(killedAt, 20, 59);

        using (var p = Start(killed, resume: true))
        {
            Assert.True(p.WaitForExit(TimeSpan.FromMinutes(3)), "resumed run timed out");
            Assert.Equal(0, p.ExitCode);
        }
        Assert.Equal(ModelBytes(straight), ModelBytes(killed));
        Assert.Equal(File.ReadAllText(Path.Combine(straight, "metrics.json")), File.ReadAllText(Path.Combine(killed, "metrics.json")));
        Assert.Equal(File.ReadAllLines(Path.Combine(straight, "train_log.csv")), File.ReadAllLines(Path.Combine(killed, "train_log.csv")));
        Assert.Equal(File.ReadAllLines(Path.Combine(straight, "eval_log.csv")), File.ReadAllLines(Path.Combine(killed, "eval_log.csv")));
    }
}
