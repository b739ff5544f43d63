using System.Diagnostics;

namespace RecallKit.Tests.Docs;

/// <summary>The repository's documentation site, docs/_site, built by DocFX (<c>.ci/run</c> builds it before the tests).</summary>
internal static class DocsSite
{
    public static string RepositoryRoot()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "RecallKit.slnx"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found");
        return root;
    }

    /// <summary>docs/_site, built here with <c>dotnet tool restore && dotnet docfx docs/docfx.json</c> when it is not there yet.</summary>
    public static async Task<string> BuiltAsync(CancellationToken cancellation)
    {
        var root = RepositoryRoot();
        var site = Path.Combine(root, "docs", "_site");
        if (File.Exists(Path.Combine(site, "index.html"))) return site;
        foreach (var arguments in new[] { new[] { "tool", "restore" }, ["docfx", "docs/docfx.json"] })
        {
            var info = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in arguments) info.ArgumentList.Add(a);
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync(cancellation);
            var stderr = process.StandardError.ReadToEndAsync(cancellation);
            await process.WaitForExitAsync(cancellation);
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"dotnet {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
        }
        return site;
    }
}
