using System.Diagnostics;

namespace RecallKit.Tests.Support;

/// <summary>Debian's python3 with PIL (python3-pil, installed by .ci/run): an encoder independent of ImageSharp for test data.</summary>
internal static class PythonPil
{
    /// <summary>Runs the Python <paramref name="script"/> with <paramref name="arguments"/> and returns its output; skips the test when PIL is missing.</summary>
    public static async Task<string> RunAsync(string script, params string[] arguments)
    {
        if (!File.Exists(PythonTorch.Interpreter)) Assert.Skip($"no {PythonTorch.Interpreter}: apt-get install python3-pil (.ci/run does)");
        var file = Path.Combine(Path.GetTempPath(), $"recallkit-pil-{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(file, script, TestContext.Current.CancellationToken);
        try
        {
            var info = new ProcessStartInfo(PythonTorch.Interpreter) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(file);
            foreach (var a in arguments) info.ArgumentList.Add(a);
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var stderr = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            if (process.ExitCode != 0 && stderr.Contains("No module named 'PIL'")) Assert.Skip("python3-pil is missing: apt-get install python3-pil (.ci/run does)");
            Assert.True(process.ExitCode == 0, $"the PIL script failed: {stderr}{await stdout}");
            return await stdout;
        }
        finally
        {
            File.Delete(file);
        }
    }
}
