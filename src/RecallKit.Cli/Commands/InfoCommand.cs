using System.CommandLine;
using RecallKit.Runtime;
using TorchSharp;

namespace RecallKit.Cli.Commands;

/// <summary><c>recallkit info</c>: versions, threads, CUDA availability, and proof that libtorch computes.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "Print RecallKit, TorchSharp and libtorch versions, threads and CUDA availability, and run a tiny tensor op.");
        command.SetAction(_ => Run());
        return command;
    }

    /// <summary>
    /// The libtorch backend package this build loaded, from the native libraries next to TorchSharp: libtorch_cuda.so is in the
    /// CUDA packages only.
    /// </summary>
    public static string Backend()
    {
        var native = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
        bool Has(string name) => File.Exists(Path.Combine(native, name)) || File.Exists(Path.Combine(AppContext.BaseDirectory, name));
        return Has("libtorch_cuda.so") ? "cuda (libtorch-cuda-12.8-linux-x64)" : Has("libtorch_cpu.so") ? "cpu (libtorch-cpu-linux-x64)" : "unknown (no libtorch next to the program)";
    }

    private static int Run()
    {
        Console.WriteLine($"RecallKit   {TorchRuntime.RecallKitVersion}");
        Console.WriteLine($"TorchSharp  {TorchRuntime.TorchSharpVersion}");
        try
        {
            TorchRuntime.EnsureLoaded();
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
        Console.WriteLine($"libtorch    {torch.__version__}");
        Console.WriteLine($"backend     {Backend()}");
        Console.WriteLine($"threads     {torch.get_num_threads()} (cores: {Environment.ProcessorCount})");
        Console.WriteLine($"CUDA        {(torch.cuda.is_available() ? $"available, {torch.cuda.device_count()} device(s)" : "not available")}");
        using var a = torch.tensor(new float[] { 1, 2, 3, 4 }, new long[] { 2, 2 });
        using var product = a.matmul(a);
        var values = product.data<float>().ToArray();
        var ok = values.SequenceEqual(new float[] { 7, 10, 15, 22 });
        Console.WriteLine($"tensor op   [[1,2],[3,4]]² = [[{values[0]},{values[1]}],[{values[2]},{values[3]}]] {(ok ? "ok" : "WRONG")}");
        return ok ? 0 : 1;
    }
}
