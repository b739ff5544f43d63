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
}
