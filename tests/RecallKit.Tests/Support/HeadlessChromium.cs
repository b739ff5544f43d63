using System.Diagnostics;

namespace RecallKit.Tests.Support;

/// <summary>Debian's <c>chromium</c> run headless (CI installs it; tests skip, saying so, without it).</summary>
internal static class HeadlessChromium
{
    /// <summary>The chromium executable on PATH, or null.</summary>
    public static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "chromium")).FirstOrDefault(File.Exists);

    /// <summary>Runs chromium headless with <paramref name="arguments"/> after the common ones; returns exit code, stdout and stderr.</summary>
    public static async Task<(int code, string stdout, string stderr)> RunAsync(string executable, IEnumerable<string> arguments, string profile,
        CancellationToken cancellation)
    {
        var info = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", $"--user-data-dir={profile}" })
            info.ArgumentList.Add(a);
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        limit.CancelAfter(TimeSpan.FromMinutes(2));
        var stdout = process.StandardOutput.ReadToEndAsync(limit.Token);
        var stderr = process.StandardError.ReadToEndAsync(limit.Token);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("chromium did not finish within 2 minutes.");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
