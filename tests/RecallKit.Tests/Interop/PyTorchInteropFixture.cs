using System.Diagnostics;
using System.Text;
using System.Text.Json;
using RecallKit.Tests.Support;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Interop;
using RecallKit.Vision.RunFiles;
using RecallKit.Vision.Training;
using static TorchSharp.torch;

namespace RecallKit.Tests.Interop;

/// <summary>
/// The shared work of <see cref="PyTorchInteropTests"/>: every <see cref="InteropCases.Exported"/> network is built with random
/// weights, run in TorchSharp and exported (one of them through the CLI); then ONE Python process loads and runs them all and
/// builds the <see cref="InteropCases.Reverse"/> networks in PyTorch.
/// </summary>
public sealed class PyTorchInteropFixture : IAsyncLifetime
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("recallkit-interop-").FullName;

    /// <summary>Why the tests skip (PyTorch missing), or null.</summary>
    public string? Problem { get; private set; }

    public Dictionary<string, Tensor> Inputs { get; } = InteropCases.Inputs();

    /// <summary>TorchSharp outputs of the exported networks: case name + "/float32" or "/float64".</summary>
    public Dictionary<string, Tensor> Expected { get; } = [];

    /// <summary>PyTorch outputs, keyed as <see cref="Expected"/>; "reverse/" + case name + "/float32" or "/float64" for the PyTorch-built networks.</summary>
    public Dictionary<string, Tensor> PyTorch { get; private set; } = [];

    /// <summary>Output of <c>recallkit export --format pytorch</c>.</summary>
    public string CliOutput { get; private set; } = "";

    public StringBuilder Log { get; } = new();

    public const string CliCase = "cli_lite_seg";

    public string Weights(string name) => Path.Combine(Directory, name + ".pt");

    public string ReverseWeights(string name) => Path.Combine(Directory, "reverse_" + name + ".pt");

    public async ValueTask InitializeAsync()
    {
        Problem = await PythonTorch.ProblemAsync();
        if (Problem is not null) return;
        var clock = Stopwatch.StartNew();
        foreach (var c in InteropCases.Exported) Export(c);
        Log.AppendLine($"TorchSharp: {InteropCases.Exported.Count} networks built, run and exported in {clock.Elapsed.TotalSeconds:F1} s");

        clock.Restart();
        await ExportThroughCliAsync();
        Log.AppendLine($"recallkit export --format pytorch: {clock.Elapsed.TotalSeconds:F1} s");

        clock.Restart();
        PyTorchStateDict.Save(Inputs, Path.Combine(Directory, "inputs.pt"));
        var manifest = new
        {
            exported = InteropCases.Exported.Append(InteropCases.Exported[0] with { Name = CliCase })
                .Select(c => new { name = c.Name, weights = Weights(c.Name), input = c.Input, float32 = c.Float32 }),
            reverse = InteropCases.Reverse.Select(c => new
            {
                name = c.Name, weights = ReverseWeights(c.Name), input = c.Input, float32 = c.Float32, num_classes = InteropCases.Classes,
                architecture = JsonSerializer.Serialize(c.Architecture, ConfigLoader.Options).Trim('"'), head = c.Head == HeadKind.Sdn ? "sdn" : "linear",
            }),
        };
        await File.WriteAllTextAsync(Path.Combine(Directory, "manifest.json"), JsonSerializer.Serialize(manifest));
        var script = Path.Combine(Directory, "pytorch_side.py");
        await File.WriteAllTextAsync(script, PyTorchSideScript.Source);
        var (code, stdout, stderr) = await PythonTorch.RunAsync(script, [PythonTorch.ModuleDirectory(), Directory], TimeSpan.FromMinutes(5));
        if (code != 0) throw new InvalidOperationException($"the PyTorch side failed (exit {code}):\n{stdout}\n{stderr}");
        PyTorch = PyTorchStateDict.Load(Path.Combine(Directory, "outputs.pt"));
        Log.AppendLine($"PyTorch side: {clock.Elapsed.TotalSeconds:F1} s").Append(stdout);
    }

    private void Export(ExportCase c)
    {
        var config = InteropCases.Config(c);
        var classes = InteropCases.ClassesOf(c.Architecture);
        using var network = InteropCases.Create(c);
        var input = Inputs[c.Input];
        using (var calibration = InteropCases.Calibration(input)) InteropCases.Randomise(network, calibration);
        if (c.Head == HeadKind.Sdn)
        {
            // through a checkpoint and TrainedModel, which drops the training head g
            var checkpoint = Path.Combine(Directory, c.Name + ".ckpt");
            using (var file = RunCheckpoint.Create(config, TrainingProgress.Start, classes, null, network)) file.Save(checkpoint);
            using var trained = TrainedModel.Load(checkpoint);
            trained.ExportPyTorch(Weights(c.Name));
        }
        else
        {
            PyTorchExport.Write(network, PyTorchModelInfo.Describe(config, classes), Weights(c.Name));
        }
        var (single, wide) = InteropCases.Outputs(network, input, c.Float32);
        if (single is not null) Expected[c.Name + "/float32"] = single;
        Expected[c.Name + "/float64"] = wide;
    }

    private async Task ExportThroughCliAsync()
    {
        var c = InteropCases.Exported[0];
        var config = InteropCases.Config(c);
        using var network = InteropCases.Create(c);
        using (var calibration = InteropCases.Calibration(Inputs[c.Input])) InteropCases.Randomise(network, calibration);
        var checkpoint = Path.Combine(Directory, CliCase + ".ckpt");
        using (var file = RunCheckpoint.Create(config, TrainingProgress.Start, InteropCases.ClassesOf(c.Architecture), null, network)) file.Save(checkpoint);
        var (single, wide) = InteropCases.Outputs(network, Inputs[c.Input], float32: true);
        (Expected[CliCase + "/float32"], Expected[CliCase + "/float64"]) = (single!, wide);

        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { CliProcess.Assembly(), "export", "--checkpoint", checkpoint, "--out", Weights(CliCase), "--format", "pytorch" })
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        CliOutput = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"recallkit export exited with {process.ExitCode}: {CliOutput}{await stderr}");
    }

    public ValueTask DisposeAsync()
    {
        foreach (var t in Inputs.Values.Concat(Expected.Values).Concat(PyTorch.Values)) t.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}
