using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace RecallKit.Tests.Docs;

/// <summary>The sample programs of samples/ (docs/samples.md) run as real processes.</summary>
public sealed partial class SampleProgramTests
{
    [Fact]
    public async Task TheRecallLossTrainingLoopSampleLowersItsLoss()
    {
        var (code, stdout, stderr) = await RunAsync("RecallLossLoop", "30");
        Assert.True(code == 0, stderr);

        var steps = StepLine().Matches(stdout).Select(m => (
            Step: int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
            Loss: double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
            Weights: m.Groups[3].Value.Split(' ').Select(w => double.Parse(w, CultureInfo.InvariantCulture)).ToArray())).ToList();
        Assert.Equal(Enumerable.Range(1, 30), steps.Select(s => s.Step));
        Assert.All(steps, s => Assert.True(double.IsFinite(s.Loss) && s.Loss > 0));
        // Recall weights 1 − recall_c lie in [0, 1]; the rare class starts worst recognised.
        Assert.All(steps, s => Assert.All(s.Weights, w => Assert.InRange(w, 0.0, 1.0)));
        Assert.Equal(2, Array.IndexOf(steps[0].Weights, steps[0].Weights.Max()));
        Assert.True(steps[^1].Loss < 0.5 * steps[0].Loss, $"the loss went from {steps[0].Loss} to {steps[^1].Loss}");
        Assert.True(steps.Skip(20).Average(s => s.Loss) < steps.Take(10).Average(s => s.Loss));
    }

    /// <summary>Runs the built sample <paramref name="name"/> (samples/NAME, built with the tests) with <paramref name="arguments"/>.</summary>
    internal static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string name, params string[] arguments)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name; // bin/<Configuration>/net10.0
        var dll = Path.Combine(DocsSite.RepositoryRoot(), "samples", name, "bin", configuration, "net10.0", name + ".dll");
        Assert.True(File.Exists(dll), $"build the sample first: {dll}");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var ct = TestContext.Current.CancellationToken;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, await stdout, await stderr);
    }

    [GeneratedRegex(@"^step (\d+) loss (\S+) weights (.+)$", RegexOptions.Multiline)]
    private static partial Regex StepLine();
}
