namespace RecallKit.Tests.Support;

/// <summary>The built <c>recallkit</c> command (the test project builds it without referencing its assembly).</summary>
internal static class CliProcess
{
    public static string Assembly()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "RecallKit.slnx"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found");
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name; // bin/<Configuration>/net10.0
        var path = Path.Combine(root, "src", "RecallKit.Cli", "bin", configuration, "net10.0", "RecallKit.Cli.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"build the CLI first: {path}");
    }

    /// <summary>Runs <c>recallkit</c> with <paramref name="arguments"/> and returns its exit code and output.</summary>
    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] arguments)
    {
        var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Assembly());
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout, await stderr);
    }
}
