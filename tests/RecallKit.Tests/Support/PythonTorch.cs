using System.Diagnostics;

namespace RecallKit.Tests.Support;

/// <summary>
/// Debian's Python with PyTorch (package python3-torch; CI installs it). The absolute path matters: a <c>python3</c> earlier
/// on PATH (e.g. a pyenv shim) usually has no torch.
/// </summary>
internal static class PythonTorch
{
    public const string Interpreter = "/usr/bin/python3";

    private static readonly Lazy<Task<string?>> Problem = new(FindProblemAsync);

    /// <summary>Why PyTorch cannot be used here, or null when it can.</summary>
    public static Task<string?> ProblemAsync() => Problem.Value;

    /// <summary><c>interop/python</c> of this repository (recallkit_models.py).</summary>
    public static string ModuleDirectory()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "RecallKit.slnx"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found");
        return Path.Combine(root, "interop", "python");
    }

    /// <summary>Runs <paramref name="script"/> with <paramref name="arguments"/>; returns exit code, stdout and stderr.</summary>
    public static async Task<(int code, string stdout, string stderr)> RunAsync(string script, IEnumerable<string> arguments, TimeSpan timeout,
        CancellationToken cancellation = default)
    {
        var info = new ProcessStartInfo(Interpreter) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        foreach (var a in arguments) info.ArgumentList.Add(a);
        info.Environment["OMP_NUM_THREADS"] = "2";
        using var process = Process.Start(info)!;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        limit.CancelAfter(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(limit.Token);
        var stderr = process.StandardError.ReadToEndAsync(limit.Token);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish within {timeout.TotalSeconds:F0} s.");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    private static async Task<string?> FindProblemAsync()
    {
        if (!File.Exists(Interpreter)) return $"python3-torch is missing (there is no {Interpreter}): apt-get install python3-torch";
        var probe = Path.Combine(Path.GetTempPath(), $"recallkit-probe-torch-{Environment.ProcessId}.py");
        await File.WriteAllTextAsync(probe, "import torch\nprint(torch.__version__)\n");
        try
        {
            var (code, _, stderr) = await RunAsync(probe, [], TimeSpan.FromMinutes(1));
            return code == 0 ? null : $"python3-torch is missing ({Interpreter} cannot import torch: {stderr.Trim().Split('\n').LastOrDefault()}): apt-get install python3-torch";
        }
        finally
        {
            File.Delete(probe);
        }
    }
}
