using System.Reflection;
using System.Runtime.InteropServices;
using TorchSharp;

namespace RecallKit.Runtime;

/// <summary>Loads libtorch once and turns TorchSharp's misleading failure message into an actionable one.</summary>
public static class TorchRuntime
{
    private static readonly Lazy<Exception?> LoadFailure = new(TryLoad);

    /// <summary>Throws <see cref="InvalidOperationException"/> with a fix when the native libraries cannot be loaded.</summary>
    public static void EnsureLoaded()
    {
        if (LoadFailure.Value is { } e)
            throw new InvalidOperationException(Explain(e), e);
    }

    /// <summary>The RecallKit library version.</summary>
    public static string RecallKitVersion =>
        typeof(TorchRuntime).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(TorchRuntime).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>The TorchSharp assembly version.</summary>
    public static string TorchSharpVersion => typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown";

    private static Exception? TryLoad()
    {
        try
        {
            using var t = torch.ones(1);
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private static string Explain(Exception e)
    {
        var root = e is TypeInitializationException { InnerException: { } inner } ? inner : e;
        var baseDir = AppContext.BaseDirectory;
        var lib = Directory.Exists(baseDir)
            ? Directory.EnumerateFiles(baseDir, "libLibTorchSharp.so", SearchOption.AllDirectories).FirstOrDefault()
            : null;
        var lines = new List<string>
        {
            "RecallKit could not load libtorch through TorchSharp.",
        };
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            lines.Add("On Linux the usual cause is libLibTorchSharp.so requiring GLIBCXX_3.4.32, which an older libstdc++ (Debian 12: 3.4.30) lacks.");
            lines.Add("The RecallKit build marks that requirement weak in the output folder; rebuild with 'dotnet build' (not a copy of another build's output),");
            lines.Add("or install a newer libstdc++6. Check with: ldd " + (lib ?? "<output>/runtimes/linux-x64/native/libLibTorchSharp.so"));
        }
        lines.Add("Also check that the package libtorch-cpu-linux-x64 2.10.0 was restored (dotnet restore).");
        lines.Add("TorchSharp said: " + root.Message.Split('\n')[0].Trim());
        return string.Join(Environment.NewLine, lines);
    }
}
