using RecallKit.Bench;
using RecallKit.Runtime;

var suite = args.FirstOrDefault() ?? "all";
var threads = Options.Int(args, "--threads", 2);
var repeats = Options.Int(args, "--repeats", 7);
var systemAllocator = args.Contains("--system-allocator");
if (!systemAllocator) NativeAllocator.RetainFreedMemory();
TorchRuntime.EnsureLoaded();
TorchSharp.torch.set_num_threads(threads);
Console.WriteLine($"# RecallKit benchmarks — {Environment.MachineName}, {Environment.ProcessorCount} cores, {threads} torch threads, {(NativeAllocator.Retaining ? "allocator retains freed memory" : "system allocator defaults")}, {DateTime.UtcNow:yyyy-MM-dd}");
switch (suite)
{
    case "loss":
    case "all":
        LossBenchmark.Run(repeats);
        break;
    default:
        Console.Error.WriteLine($"unknown suite '{suite}'; expected: all | loss");
        return 2;
}
return 0;
