using System.Diagnostics;
using System.Text.Json;
using RecallKit.Runtime;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Models;
using RecallKit.Vision.Training;

namespace RecallKit.Bench;

/// <summary>
/// <c>bench compare-pytorch</c>: the training step of the same network (interop/python/recallkit_models.py mirrors RecallKit's
/// modules), batch, optimiser (SGD, momentum 0.9, weight decay 1e-4) and loss, timed in RecallKit's <see cref="Trainer"/>
/// (its real step: batch to tensors, dispose scope, forward, loss, backward, optimiser, the loss read back) and in PyTorch
/// (bench/pytorch/train_step.py, Debian's python3-torch), one after the other in the same run, same thread count.
/// </summary>
internal static class PyTorchComparison
{
    private const string Python = "/usr/bin/python3"; // Debian's, with python3-torch (a python3 earlier on PATH may lack torch)

    private sealed record Case(string Name, Architecture Architecture, string PythonName, int Classes, int Batch, int Height, int Width,
        LossKind Loss, string PythonLoss);

    private static readonly Case[] Cases =
    [
        new("LiteSeg, CE, 8×3×96×192", Architecture.LiteSeg, "lite_seg", 10, 8, 96, 192, LossKind.CrossEntropy, "cross_entropy"),
        new("LiteSeg, recall CE (PyTorch: official code)", Architecture.LiteSeg, "lite_seg", 10, 8, 96, 192, LossKind.Recall, "official_recall"),
        new("ResNet-18 classifier, CE, 8×3×224×224", Architecture.ResNet18, "resnet18", 100, 8, 224, 224, LossKind.CrossEntropy, "cross_entropy"),
        new("DeepLabV3+ R18, CE, 2×3×256×512", Architecture.DeepLabV3PlusResNet18, "deeplabv3plus_resnet18", 19, 2, 256, 512, LossKind.CrossEntropy, "cross_entropy"),
    ];

    public static int Run(string[] args, int threads)
    {
        if (!File.Exists(Python))
        {
            Console.Error.WriteLine($"{Python} is missing: apt-get install python3-torch");
            return 2;
        }
        int steps = Options.Int(args, "--steps", 10), warmup = Options.Int(args, "--warmup", 2), rounds = Math.Max(1, Options.Int(args, "--rounds", 1));
        // --case TEXT: only the cases whose name contains TEXT (e.g. --case DeepLab)
        var only = Options.Text(args, "--case");
        // --precision bf16: RecallKit's precision = bf16 against torch.autocast("cpu", dtype=torch.bfloat16)
        var precision = Options.Text(args, "--precision") ?? "fp32";
        if (precision is not ("fp32" or "bf16"))
        {
            Console.Error.WriteLine($"--precision {precision}: expected fp32 or bf16");
            return 2;
        }
        var cases = Cases.Where(c => only is null || c.Name.Contains(only, StringComparison.OrdinalIgnoreCase)).ToArray();
        if (cases.Length == 0)
        {
            Console.Error.WriteLine($"no case matches --case '{only}'; cases: {string.Join("; ", Cases.Select(c => c.Name))}");
            return 2;
        }
        var script = Path.Combine(RepositoryRoot(), "bench", "pytorch", "train_step.py");
        var autocast = precision == "bf16" ? " (PyTorch: torch.autocast)" : "";
        Console.WriteLine($"# training step, RecallKit (TorchSharp 0.107, libtorch 2.10) vs PyTorch ({Python}), {threads} threads, SGD, "
            + $"{precision}{autocast}; median of {steps} steps after {warmup} warm-up");
        if (rounds > 1)
            Console.WriteLine($"# {rounds} rounds, each side in a fresh process per round, the two alternating; ms/step: median over the rounds; ratio: median of the rounds' ratios (range)");
        Console.WriteLine("| case | RecallKit ms/step | PyTorch ms/step | RecallKit / PyTorch |");
        Console.WriteLine("|---|---:|---:|---:|");
        string version = "?";
        foreach (var c in cases)
        {
            var mine = new List<double>();
            var theirs = new List<double>();
            for (int r = 0; r < rounds; r++)
            {
                mine.Add(Median(rounds == 1
                    ? RecallKitSteps(c, steps, warmup, threads, precision)
                    : RecallKitStepsInChild(c, steps, warmup, threads, precision)));
                (var ms, version) = PyTorchSteps(script, c, steps, warmup, threads, precision);
                theirs.Add(Median(ms));
            }
            var ratios = mine.Zip(theirs, (a, b) => a / b).ToArray();
            var range = rounds > 1 ? $" ({ratios.Min():F2}–{ratios.Max():F2})" : "";
            Console.WriteLine($"| {c.Name} | {Median(mine):F0} | {Median(theirs):F0} | {Median(ratios):F2}×{range} |");
        }
        Console.WriteLine($"(PyTorch {version})");
        return 0;
    }

    /// <summary><c>compare-pytorch-one INDEX</c>: one case's RecallKit step times as a JSON array (the child of a multi-round run).</summary>
    public static int RunOne(string[] args, int threads)
    {
        var c = Cases[int.Parse(args[1])];
        var precision = Options.Text(args, "--precision") ?? "fp32";
        var ms = RecallKitSteps(c, Options.Int(args, "--steps", 10), Options.Int(args, "--warmup", 2), threads, precision);
        Console.WriteLine(JsonSerializer.Serialize(ms));
        return 0;
    }

    private static double[] RecallKitStepsInChild(Case c, int steps, int warmup, int threads, string precision)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var info = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.Environment["OMP_NUM_THREADS"] = threads.ToString(); // as the PyTorch side gets it
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") info.ArgumentList.Add(typeof(PyTorchComparison).Assembly.Location);
        object[] arguments = ["compare-pytorch-one", Array.IndexOf(Cases, c), "--steps", steps, "--warmup", warmup, "--threads", threads,
            "--precision", precision];
        foreach (var a in arguments)
            info.ArgumentList.Add(a.ToString()!);
        if (!NativeAllocator.Retaining) info.ArgumentList.Add("--system-allocator"); // the child runs in the parent's allocator regime
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"compare-pytorch-one {c.Name} failed (exit {process.ExitCode}): {stderr.Result}");
        return JsonSerializer.Deserialize<double[]>(stdout.Trim().Split('\n')[^1])!;
    }

    /// <summary>Milliseconds of each step after the warm-up: the trainer's real step (<see cref="TrainerSteps"/>).</summary>
    private static double[] RecallKitSteps(Case c, int steps, int warmup, int threads, string precision) =>
        TrainerSteps.Measure(new StepCase(c.Architecture, c.Classes, c.Batch, c.Height, c.Width), new LossConfig { Kind = c.Loss },
            new OptimizerConfig { Kind = OptimizerKind.Sgd, LearningRate = 0.01, Momentum = 0.9, WeightDecay = 1e-4 }, steps, warmup, threads,
            precision: precision == "bf16" ? PrecisionKind.Bf16 : PrecisionKind.Fp32);

    private static (double[] ms, string version) PyTorchSteps(string script, Case c, int steps, int warmup, int threads, string precision)
    {
        var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new object[] { script, c.PythonName, c.Classes, c.Batch, c.Height, c.Width, c.PythonLoss, steps, warmup, threads, precision })
            info.ArgumentList.Add(a.ToString()!);
        info.Environment["OMP_NUM_THREADS"] = threads.ToString();
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{script} failed (exit {process.ExitCode}): {stderr.Result}");
        using var json = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        return (json.RootElement.GetProperty("ms_per_step").EnumerateArray().Select(e => e.GetDouble()).ToArray(),
            json.RootElement.GetProperty("torch").GetString() ?? "?");
    }

    private static double Median(IReadOnlyList<double> values) => TrainerSteps.Median(values);

    private static string RepositoryRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "RecallKit.slnx"))) dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("repository root not found");
        return dir;
    }
}
