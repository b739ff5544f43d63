using RecallKit.Bench;
using RecallKit.Runtime;

var suite = args.FirstOrDefault() ?? "all";
if (suite == "precision") return PrecisionBenchmark.Run(args); // one child process per oneDNN ISA limit
if (suite == "fused") return FusedBenchmark.RunBothRegimes(args); // one child process per allocator regime
if (suite == "distributed") return DistributedBenchmark.Run(args); // child processes: 1 × 2 threads and mpirun -np 2
if (suite == "distributed-rank")
{
    TorchRuntime.EnsureLoaded();
    return DistributedBenchmark.Rank(args);
}
var threads = Options.Int(args, "--threads", 2);
var repeats = Options.Int(args, "--repeats", 7);
var systemAllocator = args.Contains("--system-allocator");
if (!systemAllocator) NativeAllocator.RetainFreedMemory();
TorchRuntime.EnsureLoaded();
TorchSharp.torch.set_num_threads(threads);
Console.WriteLine($"# RecallKit benchmarks — {Environment.MachineName}, {Environment.ProcessorCount} cores, {threads} torch threads, {(NativeAllocator.Retaining ? "allocator retains freed memory" : "system allocator defaults")}, {DateTime.UtcNow:yyyy-MM-dd}");
var steps = Options.Int(args, "--steps", 1000);
switch (suite)
{
    case "loss":
        LossBenchmark.Run(repeats);
        break;
    case "fused-profile":
        FusedBenchmark.Profile(repeats);
        break;
    case "fused-one":
        FusedBenchmark.Run(repeats);
        break;
    case "train":
        SegmentationStepBenchmark.Run(threads);
        ClassificationStepBenchmark.Run(threads, largest: !args.Contains("--skip-resnet50"), Options.Int(args, "--resnet50-batch", 32));
        break;
    case "classification":
        ClassificationStepBenchmark.Run(threads, largest: !args.Contains("--skip-resnet50"), Options.Int(args, "--resnet50-batch", 32));
        InaturalistHeadBenchmark.Run(repeats);
        break;
    case "data":
        return DataPipelineBenchmark.Run(args, threads);
    case "loader":
        LoaderBenchmark.Run(SegmentationStepBenchmark.Run(threads)["LiteSeg"]);
        break;
    case "profile":
        DemoProfile.Run(Options.Int(args, "--steps", 50));
        break;
    case "confusion":
        ConfusionBenchmark.Run(repeats);
        break;
    case "compare-pytorch":
        return PyTorchComparison.Run(args, threads);
    case "compare-pytorch-one":
        return PyTorchComparison.RunOne(args, threads);
    case "onnx":
        OnnxBenchmark.Run(threads, Options.Int(args, "--repeats", 15));
        break;
    case "precision-steps":
        PrecisionBenchmark.Steps(threads, Options.Int(args, "--rounds", 3), PrecisionBenchmark.Isa());
        break;
    case "precision-conv":
        PrecisionConvolutions.Run(repeats, PrecisionBenchmark.Isa());
        break;
    case "checkpoint":
        CheckpointBenchmark.Run();
        break;
    case "memory":
        MemoryBenchmark.Run(steps, threads, deeplab: args.Contains("--deeplab"));
        break;
    case "all":
        LossBenchmark.Run(repeats);
        LoaderBenchmark.Run(SegmentationStepBenchmark.Run(threads)["LiteSeg"]);
        ClassificationStepBenchmark.Run(threads, largest: !args.Contains("--skip-resnet50"), Options.Int(args, "--resnet50-batch", 32));
        InaturalistHeadBenchmark.Run(repeats);
        MemoryBenchmark.Run(steps, threads);
        break;
    default:
        Console.Error.WriteLine($"unknown suite '{suite}'; expected: all | loss | fused | train | classification | data [--images N --rounds N --worker-epochs N --skip-resnet50] | loader | memory | checkpoint | distributed | compare-pytorch | confusion | profile | onnx | precision [--rounds N --skip-avx2]");
        return 2;
}
return 0;
