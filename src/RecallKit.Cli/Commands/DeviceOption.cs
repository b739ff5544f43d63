using System.CommandLine;
using static TorchSharp.torch;

namespace RecallKit.Cli.Commands;

/// <summary><c>--device cpu|cuda</c> for inference commands.</summary>
internal static class DeviceOption
{
    public static Option<string> Create() => new Option<string>("--device")
    {
        Description = "Where the model runs: cpu (default) or cuda (needs a build with -p:TorchBackend=cuda and a GPU).",
        DefaultValueFactory = _ => "cpu",
    }.AcceptOnlyFromAmong("cpu", "cuda");

    /// <summary>The device named by the option; cuda without a usable GPU is an error saying why.</summary>
    public static Device Resolve(string? name)
    {
        if (!string.Equals(name, "cuda", StringComparison.OrdinalIgnoreCase)) return CPU;
        if (!cuda.is_available())
            throw new ArgumentException(
                $"--device cuda: CUDA is not available (libtorch backend: {InfoCommand.Backend()}). Build with -p:TorchBackend=cuda on a machine with an NVIDIA GPU and driver (README.md, 'Building for CUDA'), or use --device cpu.");
        return CUDA;
    }
}
