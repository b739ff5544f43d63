using System.Text.Json.Nodes;
using RecallKit.Tests.Support;
using RecallKit.Vision.Classification;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data.Synthetic;
using RecallKit.Vision.Experiments;
using RecallKit.Vision.Interop;
using RecallKit.Vision.Models;
using RecallKit.Vision.Segmentation;
using RecallKit.Vision.Training;
using RecallKit.Vision;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Interop;

/// <summary>
/// RecallKit ⇄ PyTorch with interop/python/recallkit_models.py, in Debian's python3-torch (skipped, saying so, without it):
/// exported networks compute the same outputs in PyTorch, and state_dicts saved by PyTorch initialise the same networks in
/// RecallKit. Outputs agree within 1e-5 absolute, or 1e-5 relative to the largest output when that exceeds 1 — in float64 for
/// every network, and in float32 too for those where float32 rounding stays well below that (<see cref="InteropCases"/>).
/// </summary>
public sealed class PyTorchInteropTests(PyTorchInteropFixture fixture) : IClassFixture<PyTorchInteropFixture>
{
    public static TheoryData<string> ExportedNames => [.. InteropCases.Exported.Select(c => c.Name)];

    public static TheoryData<string> ReverseNames => [.. InteropCases.Reverse.Select(c => c.Name)];

    private void RequirePyTorch()
    {
        if (fixture.Problem is { } problem) Assert.Skip(problem);
        TestContext.Current.TestOutputHelper?.WriteLine(fixture.Log.ToString());
    }

    [Theory]
    [MemberData(nameof(ExportedNames))]
    public void AnExportedNetworkComputesTheSameOutputsInPyTorch(string name)
    {
        RequirePyTorch();
        var c = InteropCases.Exported.Single(e => e.Name == name);
        Compare(name, name, c.Float32);
    }

    /// <summary>Compares TorchSharp's outputs (<paramref name="expected"/> + "/float64", and "/float32" when asked) with PyTorch's.</summary>
    private void Compare(string expected, string pytorch, bool float32, Tensor? float32Output = null, Tensor? float64Output = null)
    {
        foreach (var precision in float32 ? new[] { "float64", "float32" } : ["float64"])
        {
            var mine = precision == "float32" ? float32Output ?? fixture.Expected[$"{expected}/float32"] : float64Output ?? fixture.Expected[$"{expected}/float64"];
            var difference = InteropCases.AssertClose(mine, fixture.PyTorch[$"{pytorch}/{precision}"], $"{expected} ({precision})");
            TestContext.Current.TestOutputHelper?.WriteLine($"{expected} {precision}: max |Δ| = {difference:E2}, largest |output| {mine.abs().max().Scalar():G3}");
        }
    }

    [Fact]
    public void TheExportCommandWritesAStateDictAndADescriptionThatPyTorchLoads()
    {
        RequirePyTorch();
        var weights = fixture.Weights(PyTorchInteropFixture.CliCase);
        Assert.Contains($"and {weights}.json", fixture.CliOutput);
        Compare(PyTorchInteropFixture.CliCase, PyTorchInteropFixture.CliCase, float32: true);

        var description = JsonNode.Parse(File.ReadAllText(weights + ".json"))!;
        Assert.Equal(PyTorchModelInfo.CurrentFormat, (string?)description["format"]);
        Assert.Equal("lite_seg", (string?)description["architecture"]);
        Assert.Equal("segmentation", (string?)description["task"]);
        Assert.Equal(10, (int)description["num_classes"]!);
        Assert.Equal(SceneClasses.Description.Names, description["classes"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(3, description["input_mean"]!.AsArray().Count);
    }

    [Fact]
    public void TheDescriptionNamesWhatPythonBuildsAndAnSdnClassifierExportsOnlyFAndH()
    {
        RequirePyTorch();
        var deeplab = JsonNode.Parse(File.ReadAllText(fixture.Weights("deeplabv3plus_resnet18_os8") + ".json"))!;
        Assert.Equal("deeplabv3plus_resnet18", (string?)deeplab["architecture"]);
        Assert.Equal(8, (int)deeplab["output_stride"]!);
        var sdn = JsonNode.Parse(File.ReadAllText(fixture.Weights("small_cnn_sdn") + ".json"))!;
        Assert.Equal("small_cnn", (string?)sdn["architecture"]);
        Assert.Equal("linear", (string?)sdn["head"]);
        Assert.Equal(1, (int)sdn["in_channels"]!);
        Assert.Equal(28, (int)sdn["image_size"]!);
        var keys = PyTorchStateDict.Load(fixture.Weights("small_cnn_sdn"));
        try
        {
            Assert.Contains("fc.weight", keys.Keys);
            Assert.Contains("scales", keys.Keys);
            Assert.DoesNotContain(keys.Keys, k => k.StartsWith("fc_g.", StringComparison.Ordinal));
            Assert.Contains("backbone.features.0.bn.num_batches_tracked", keys.Keys);
        }
        finally
        {
            foreach (var t in keys.Values) t.Dispose();
        }
        var resnet = PyTorchStateDict.Load(fixture.Weights("resnet50"));
        try
        {
            // torchvision's names below the trunk
            Assert.Contains("backbone.trunk.layer3.0.downsample.0.weight", resnet.Keys);
            Assert.Contains("backbone.trunk.layer4.2.bn3.running_var", resnet.Keys);
        }
        finally
        {
            foreach (var t in resnet.Values) t.Dispose();
        }
    }

    [Theory]
    [MemberData(nameof(ReverseNames))]
    public void AStateDictSavedByPyTorchInitialisesTheSameNetwork(string name)
    {
        RequirePyTorch();
        var c = InteropCases.Reverse.Single(r => r.Name == name);
        var weights = fixture.ReverseWeights(name);
        var log = new StringWriter();
        nn.Module<Tensor, Tensor> network;
        if (c.Architecture.Task() == TaskKind.Segmentation)
        {
            network = SegmentationModels.Create(c.Architecture, InteropCases.Classes);
            SegmentationInitialisation.Apply(network, weights, c.Architecture, SceneClasses.Description, log);
        }
        else
        {
            var config = ConfigLoader.Load(null,
            [
                $"data.kind={(c.Input.StartsWith("grey", StringComparison.Ordinal) ? "fashion_mnist_lt" : "cifar10_lt")}", $"model.architecture={name.Replace("_sdn", "")}",
                $"model.head={(c.Head == HeadKind.Sdn ? "sdn" : "linear")}", $"model.init_from={weights}", $"output={Path.Combine(fixture.Directory, "unused")}",
            ]);
            network = ClassificationExperiment.CreateNetwork(config, InteropCases.Classes, log);
        }
        using (network)
        {
            Assert.Contains($"initialised from {weights}", log.ToString());
            Assert.Contains("(PyTorch state_dict)", log.ToString());
            network.eval();
            var (single, wide) = InteropCases.Outputs(network, fixture.Inputs[c.Input], c.Float32);
            using (single)
            using (wide)
                Compare(name, "reverse/" + name, c.Float32, single, wide);
        }
    }

    [Fact]
    public void PyTorchFilesThatHoldNoStateDictAreClearErrors()
    {
        RequirePyTorch();
        var legacy = Path.Combine(fixture.Directory, "legacy.pt");
        var e = Assert.Throws<InvalidDataException>(() => InitialWeights.Load(legacy));
        Assert.Contains(legacy, e.Message);
        Assert.Contains("legacy format", e.Message);

        var dictionary = Path.Combine(fixture.Directory, "checkpoint_dict.pt");
        e = Assert.Throws<InvalidDataException>(() => InitialWeights.Load(dictionary));
        Assert.Contains(dictionary, e.Message);
        Assert.Contains("epoch, state_dict are not tensors", e.Message);

        var module = Path.Combine(fixture.Directory, "whole_module.pt");
        e = Assert.Throws<InvalidDataException>(() => InitialWeights.Load(module));
        Assert.Contains(module, e.Message);
        TestContext.Current.TestOutputHelper?.WriteLine(e.Message);
    }
}
