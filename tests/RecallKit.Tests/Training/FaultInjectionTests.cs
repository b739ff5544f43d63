using System.Diagnostics;
using RecallKit.Vision.RunFiles;
using RecallKit.Vision.Training;

namespace RecallKit.Tests.Training;

/// <summary>
/// Real <c>recallkit train</c> processes under faults — SIGKILL at seeded random moments, a full disk, a killed data worker —
/// must leave loadable checkpoints, no temporary files, and resume to exactly the weights of an uninterrupted run.
/// </summary>
[Collection(nameof(RecallKit.Tests.Support.GlobalTorchState))]
public sealed class FaultInjectionTests : IDisposable
{
    private const int Iterations = 40;
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-faults-").FullName;
    private readonly List<string> mounts = [];

    public void Dispose()
    {
        foreach (var mount in mounts) Run("umount", mount);
        Directory.Delete(dir, recursive: true);
    }

    private sealed record Outcome(int ExitCode, string Output, string Error);

    private Process Start(string output, bool resume, params string[] extra)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[]
                 {
                     Support.CliProcess.Assembly(), "train", "--set", $"data.root={Path.Combine(dir, "data")}", "--set", "data.crop_width=64", "--set", "data.crop_height=32",
                     "--set", "data.batch_size=4", "--set", "data.synthetic_train=12", "--set", "data.synthetic_val=24", "--set", "loss.kind=recall",
                     "--set", "loss.ema_alpha=0.5", "--set", $"schedule.iterations={Iterations}", "--set", "schedule.eval_every=10", "--set", "schedule.log_every=2",
                     "--set", "schedule.checkpoint_every=2", "--set", "threads=1", "--set", $"output={output}",
                 })
            info.ArgumentList.Add(a);
        foreach (var e in extra) info.ArgumentList.Add(e);
        if (resume) info.ArgumentList.Add("--resume");
        return Process.Start(info)!;
    }

    private Outcome RunToEnd(string output, bool resume, params string[] extra)
    {
        using var p = Start(output, resume, extra);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(4)), $"recallkit train {output} timed out");
        return new Outcome(p.ExitCode, stdout.Result, stderr.Result);
    }

    private string Straight()
    {
        var straight = Path.Combine(dir, "straight");
        var outcome = RunToEnd(straight, resume: false);
        Assert.True(outcome.ExitCode == 0, outcome.Error);
        return straight;
    }

    private static byte[] ModelBytes(string run) => Support.CheckpointFile.Bytes(Path.Combine(run, "last.ckpt"), "model");

    private static int Step(string run) => Support.CheckpointFile.Step(Path.Combine(run, "last.ckpt"));

    private Process StartResumable(string run) => StartResumable(run, out _);

    private Process StartResumable(string run, out System.Collections.Concurrent.ConcurrentQueue<string> lines)
    {
        var p = Start(run, resume: File.Exists(Path.Combine(run, "last.ckpt")));
        var queue = new System.Collections.Concurrent.ConcurrentQueue<string>();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) queue.Enqueue(e.Data); };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        lines = queue;
        return p;
    }

    private static void Kill(Process p, string run, ref int kills, ref int duringWrite, string where)
    {
        int before = File.Exists(Path.Combine(run, "last.ckpt")) ? Step(run) : 0;
        Assert.False(p.HasExited, $"the run ended before the kill at {where}");
        var workers = Children(p.Id);
        p.Kill(); // one SIGKILL to the trainer at once; walking the process tree first would let a checkpoint write finish
        p.WaitForExit();
        foreach (var worker in workers)
        {
            try
            {
                Process.GetProcessById(worker).Kill();
            }
            catch (ArgumentException)
            {
                // already gone with its parent's pipes
            }
        }
        kills++;
        if (CheckpointBeingWritten(run).Length > 0) duringWrite++;
        if (File.Exists(Path.Combine(run, "last.ckpt"))) // killed before the first checkpoint: the next start begins afresh
            Assert.InRange(Step(run), before, Iterations); // what is on disk is complete and never goes back
    }

    /// <summary>The step of a progress line <c>step 12/40  loss …</c>, or −1 for other lines.</summary>
    private static int StepOf(string line) =>
        line.StartsWith("step ", StringComparison.Ordinal) && line.IndexOf('/') is > 5 and var slash && int.TryParse(line[5..slash], out var step) ? step : -1;

    private static string[] Temporary(string run) => Directory.GetFiles(run, "*.tmp", SearchOption.AllDirectories);

    private static string[] CheckpointBeingWritten(string run) => Directory.Exists(run) ? Directory.GetFiles(run, ".*.ckpt.*.tmp") : [];

    private static void AssertSameRun(string expected, string actual)
    {
        Assert.Equal(ModelBytes(expected), ModelBytes(actual));
        Assert.Equal(File.ReadAllText(Path.Combine(expected, "metrics.json")), File.ReadAllText(Path.Combine(actual, "metrics.json")));
        Assert.Equal(File.ReadAllLines(Path.Combine(expected, "train_log.csv")), File.ReadAllLines(Path.Combine(actual, "train_log.csv")));
        Assert.Equal(File.ReadAllLines(Path.Combine(expected, "eval_log.csv")), File.ReadAllLines(Path.Combine(actual, "eval_log.csv")));
        Assert.Equal(TensorBoardEvents.Scalars(Path.Combine(expected, "tensorboard")), TensorBoardEvents.Scalars(Path.Combine(actual, "tensorboard")));
    }

    [Fact]
    public void TenSeededKillNinesThenResumeEndWithTheWeightsOfAnUninterruptedRun()
    {
        var straight = Straight();
        var killed = Path.Combine(dir, "killed");
        var random = new Random(2026);
        // Ten seeded kill points: once the process prints step s, wait 0–250 ms more and SIGKILL — landing in training steps,
        // evaluations (every 10 steps) and checkpoint writes (every 2 steps).
        var targets = Enumerable.Range(2, 25).OrderBy(_ => random.Next()).Take(10).Order().ToArray();
        int kills = 0, duringWrite = 0;
        foreach (var target in targets)
        {
            // Wait for this process's own progress line (the log on disk still holds the killed run's rows until it is cut back).
            using var p = StartResumable(killed, out var lines);
            var watch = Stopwatch.StartNew();
            while (!lines.Any(l => StepOf(l) >= target) && !p.HasExited && watch.Elapsed < TimeSpan.FromMinutes(2)) Thread.Sleep(5);
            Thread.Sleep(random.Next(0, 250));
            Kill(p, killed, ref kills, ref duringWrite, $"step {target}");
        }

        // Aimed kills: right after the progress line of an evaluation step (24 validation images; retried until the
        // evaluation's result had not been printed yet), then while a checkpoint's temporary file is being written.
        bool killedInEvaluation = false;
        int evalStep = 0, evaluationKills = 0;
        for (int attempt = 0; attempt < 5 && !killedInEvaluation; attempt++)
        {
            evalStep = ((File.Exists(Path.Combine(killed, "last.ckpt")) ? Step(killed) : 0) / 10 + 1) * 10; // the next evaluation
            using var p = StartResumable(killed, out var lines);
            var watch = Stopwatch.StartNew();
            while (!lines.Any(l => StepOf(l) == evalStep) && !p.HasExited && watch.Elapsed < TimeSpan.FromMinutes(2)) Thread.SpinWait(100);
            Kill(p, killed, ref kills, ref duringWrite, $"evaluation at step {evalStep}");
            evaluationKills++;
            killedInEvaluation = !lines.Any(l => l.StartsWith($"eval @ {evalStep}", StringComparison.Ordinal));
        }
        Assert.True(killedInEvaluation, "no kill landed inside an evaluation");
        int writesBefore = duringWrite;
        for (int attempt = 0; attempt < 5 && duringWrite == writesBefore; attempt++)
        {
            // The write can finish between seeing its temporary file and the kill; then try again at the next checkpoint.
            using var p = StartResumable(killed);
            var watch = Stopwatch.StartNew();
            while (CheckpointBeingWritten(killed).Length == 0 && !p.HasExited && watch.Elapsed < TimeSpan.FromMinutes(2)) Thread.SpinWait(100);
            Kill(p, killed, ref kills, ref duringWrite, "checkpoint write");
        }
        Assert.True(duringWrite >= 1, "no kill landed inside a checkpoint write");
        Assert.True(kills >= 10, $"only {kills} kills landed before the run finished");
        var last = RunToEnd(killed, resume: File.Exists(Path.Combine(killed, "last.ckpt")));
        Assert.True(last.ExitCode == 0, last.Error);
        AssertSameRun(straight, killed);
        Assert.Empty(Temporary(killed));
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"kill -9: {kills} kills (seeded at steps ≥ {string.Join(", ", targets)}; {evaluationKills} aimed at evaluations, the last inside the one of step {evalStep}; {kills - targets.Length - evaluationKills} aimed at checkpoint writes); {duringWrite} landed inside a checkpoint write; every resume continued from the last complete checkpoint and the final weights, logs and metrics equal the uninterrupted run's.");
    }

    [Fact]
    public void ADiskFullDuringACheckpointWriteStopsCleanlyAndResumesAfterSpaceIsFreed()
    {
        if (Environment.UserName != "root" || !OperatingSystem.IsLinux())
            Assert.Skip("needs root to mount a small tmpfs (CI runs as root).");
        var straight = Straight();
        var mount = Path.Combine(dir, "small");
        Directory.CreateDirectory(mount);
        // last.ckpt ≈ 1.9 MB: after last.ckpt and best.ckpt exist, the next write of a temporary copy does not fit in 5 MB.
        Assert.Equal(0, Run("mount", "-t", "tmpfs", "-o", "size=5m", "tmpfs", mount));
        mounts.Add(mount);
        var run = Path.Combine(mount, "run");
        var full = RunToEnd(run, resume: false);
        Assert.NotEqual(0, full.ExitCode);
        Assert.Contains("No space left on device", full.Error);
        Assert.Contains("could not write", full.Error);
        Assert.DoesNotContain("Unhandled exception", full.Error);
        Assert.InRange(Step(run), 2, Iterations - 1);
        using (var best = Checkpoint.Load(Path.Combine(run, "best.ckpt"))) Assert.True(best.Has("model"));
        Assert.Empty(Temporary(run));

        Assert.Equal(0, Run("mount", "-o", "remount,size=64m", mount));
        var resumed = RunToEnd(run, resume: true);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        AssertSameRun(straight, run);
    }

    [Fact]
    public async Task AKilledDataWorkerStopsTheRunWithAMessageAndTheRunResumes()
    {
        var straight = Straight();
        var run = Path.Combine(dir, "worker");
        using (var p = Start(run, resume: false, "--set", "data.prefetch=on"))
        {
            var stderr = p.StandardError.ReadToEndAsync();
            _ = p.StandardOutput.ReadToEndAsync();
            var watch = Stopwatch.StartNew();
            int[] workers = [];
            while (watch.Elapsed < TimeSpan.FromMinutes(2) && !p.HasExited)
            {
                Thread.Sleep(100);
                workers = Children(p.Id);
                if (workers.Length > 0 && File.Exists(Path.Combine(run, "last.ckpt"))) break;
            }
            Assert.False(p.HasExited, "the run ended before its data worker could be killed");
            Assert.NotEmpty(workers);
            foreach (var worker in workers) Process.GetProcessById(worker).Kill();
            Assert.True(p.WaitForExit(TimeSpan.FromMinutes(1)), "the trainer hung after its data worker died");
            Assert.NotEqual(0, p.ExitCode);
            var error = await stderr;
            Assert.Contains("data worker exited unexpectedly", error);
            Assert.Contains("--resume", error);
        }
        Assert.Empty(Temporary(run));
        var resumed = RunToEnd(run, resume: true, "--set", "data.prefetch=on");
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        AssertSameRun(straight, run);
    }

    [Fact]
    public async Task KillingOneOfTwoDataWorkersStopsTheRunAndTheOtherWorkerAndTheRunResumesWithOneWorker()
    {
        var straight = Straight();
        var run = Path.Combine(dir, "workers");
        int[] workers = [];
        using (var p = Start(run, resume: false, "--set", "data.prefetch=on", "--set", "data.workers=2"))
        {
            var stderr = p.StandardError.ReadToEndAsync();
            _ = p.StandardOutput.ReadToEndAsync();
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < TimeSpan.FromMinutes(2) && !p.HasExited)
            {
                Thread.Sleep(100);
                workers = Children(p.Id);
                if (workers.Length == 2 && File.Exists(Path.Combine(run, "last.ckpt"))) break;
            }
            Assert.False(p.HasExited, "the run ended before a data worker could be killed");
            Assert.Equal(2, workers.Length);
            Process.GetProcessById(workers[1]).Kill();
            Assert.True(p.WaitForExit(TimeSpan.FromMinutes(1)), "the trainer hung after one of its data workers died");
            Assert.NotEqual(0, p.ExitCode);
            var error = await stderr;
            Assert.Contains("the data worker exited unexpectedly (worker ", error);
            Assert.Contains(" of 2, exit code 137)", error);
            Assert.Contains("--resume", error);
            Assert.DoesNotContain("Unhandled exception", error);
        }
        foreach (var worker in workers) Assert.True(Gone(worker), $"data worker {worker} outlived its run");
        Assert.Empty(Temporary(run));
        var resumed = RunToEnd(run, resume: true, "--set", "data.prefetch=on", "--set", "data.workers=1");
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        AssertSameRun(straight, run);
    }

    private static bool Gone(int pid)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            try
            {
                if (File.ReadLines($"/proc/{pid}/status").Any(l => l.StartsWith("State:", StringComparison.Ordinal) && l.Contains("zombie"))) return true;
            }
            catch (IOException)
            {
                return true; // no such process
            }
            Thread.Sleep(100);
        }
        return false;
    }

    private static int[] Children(int pid) => Directory.GetDirectories($"/proc/{pid}/task")
        .SelectMany(t => File.Exists(Path.Combine(t, "children")) ? File.ReadAllText(Path.Combine(t, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries) : [])
        .Select(int.Parse).ToArray();

    private static int Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        p.WaitForExit();
        return p.ExitCode;
    }
}
