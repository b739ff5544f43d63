using System.Text.Json.Nodes;
using RecallKit.Vision.Classification;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data.Classification;
using RecallKit.Vision.Data;
using RecallKit.Vision.Experiments;
using RecallKit.Vision.Inference;
using RecallKit.Vision.Models;
using RecallKit.Vision.Tasks;
using RecallKit.Vision.Training;
using static TorchSharp.torch;

namespace RecallKit.Tests.Classification;

/// <summary>
/// Post-hoc logit adjustment (Menon et al. 2021): the wrapper's values and errors, the <c>model.stage = logit_adjust</c> run and
/// its row in the comparison report, and <c>eval</c> / <c>predict --logit-adjust</c> agreeing with it.
/// </summary>
[Collection(nameof(Support.GlobalTorchState))]
public sealed class LogitAdjustmentTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-logitadjust-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void TheWrapperSubtractsTauLogPriorSoThatARareClassWinsAClosePredictionByHand()
    {
        long[] counts = [90, 9, 1]; // π = 0.9, 0.09, 0.01
        float[] logits =
        [
            3.0f, 1.0f, 0.0f, // label 2: plain → 0; adjusted (τ = 1): 3 − ln 0.9 = 3.105, 1 − ln 0.09 = 3.408, 0 − ln 0.01 = 4.605 → 2
            3.0f, 2.5f, 0.0f, // label 1: plain → 0; adjusted: 3.105, 4.908, 4.605 → 1
            5.0f, 0.0f, 0.0f, // label 0: stays 0 (5.105 against 2.408 and 4.605)
            2.0f, 0.0f, 0.0f, // label 0: adjusted 2.105 < 4.605 → 2 (a miss the adjustment makes)
        ];
        long[] labels = [2, 1, 0, 0];
        var plain = ClassificationEvaluator.Evaluate(new LogitsAsImages(), new FixedBatches(logits, labels, 3), 3, CPU, counts);
        Assert.Equal(2 / 4.0, plain.Metrics.OverallAccuracy, 12);
        using var adjusted = new LogitAdjustedClassifier(new LogitsAsImages(), counts, 1.0);
        var evaluation = ClassificationEvaluator.Evaluate(adjusted, new FixedBatches(logits, labels, 3), 3, CPU, counts);
        Assert.Equal(3 / 4.0, evaluation.Metrics.OverallAccuracy, 12);
        Assert.Equal([0.5, 1, 1], evaluation.Metrics.ClassAccuracy);

        using var half = new LogitAdjustedClassifier(new LogitsAsImages(), counts, 0.5);
        var output = half.call(tensor(logits, new long[] { 4, 3, 1, 1 })).data<float>().ToArray();
        double[] expected = logits.Select((z, i) => z - 0.5 * Math.Log(counts[i % 3] / 100.0)).ToArray();
        Support.Tensors.AllClose(expected, output.Select(v => (double)v).ToArray(), 1e-6);
        Support.Tensors.AllClose([0.5 * Math.Log(0.9), 0.5 * Math.Log(0.09), 0.5 * Math.Log(0.01)], half.Offsets(), 1e-15);

        using var zero = new LogitAdjustedClassifier(new LogitsAsImages(), counts, 0);
        Assert.Equal(logits, zero.call(tensor(logits, new long[] { 4, 3, 1, 1 })).data<float>().ToArray());
    }

    [Fact]
    public void TheWrapperPassesEvalOnLeavesTheNetworkAliveAndRejectsBadInput()
    {
        var network = new LogitsAsImages();
        using (var wrapper = new LogitAdjustedClassifier(network, [5, 5], 1))
        {
            wrapper.eval();
            Assert.False(network.training);
            wrapper.train();
            Assert.True(network.training);
        }
        Assert.Equal([1f, 2f], network.call(tensor(new float[] { 1, 2 }, new long[] { 1, 2, 1, 1 })).data<float>().ToArray());

        var e = Assert.Throws<ArgumentException>(() => new LogitAdjustedClassifier(network, [5, 0, 3], 1));
        Assert.Contains("class 1", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogitAdjustedClassifier(network, [5, 3], -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogitAdjustedClassifier(network, [5, 3], double.NaN));
        using var three = new LogitAdjustedClassifier(network, [5, 3, 1], 1);
        var shape = Assert.Throws<InvalidDataException>(() => three.call(zeros(2, 4, 1, 1)));
        Assert.Contains("[N,3]", shape.Message);
    }

    [Fact]
    public async Task TheStageRunIsAReportRowAndEvalAndPredictWithLogitAdjustAgreeWithIt()
    {
        var root = TinyImageFolder();
        var joint = Config(root, "joint");
        Assert.True(Experiment.Train(joint, resume: false, TextWriter.Null).Completed);
        var jointCheckpoint = Path.Combine(joint.Output, "last.ckpt");

        var stage = Config(root, "logit-adjusted") with { Model = joint.Model with { Stage = TrainingStage.LogitAdjust, InitFrom = jointCheckpoint, Tau = 1 } };
        var result = Experiment.Train(stage, resume: false, TextWriter.Null);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(stage.Output, "logit_adjust_sweep.csv")).Length);
        double stageTop1 = result.Evaluation!.Metrics.OverallAccuracy;

        // The same evaluation by hand: the joint network wrapped with the training split's counts (24, 10, 4).
        using (var model = TrainedModel.Load(jointCheckpoint))
        {
            Assert.Equal([24L, 10, 4], model.TrainingCounts!);
            var data = ConfiguredData.Classification(joint.Data);
            using var adjusted = new LogitAdjustedClassifier(model.Network, model.TrainingCounts!, 1);
            var expected = ClassificationEvaluator.Evaluate(adjusted, new ClassificationBatches(data.Val, 6, data.Augmentation, training: false), 3, CPU, model.TrainingCounts);
            Assert.Equal(expected.Metrics.OverallAccuracy, stageTop1, 12);
            Assert.Equal(expected.Metrics.ClassAccuracy, result.Evaluation.Metrics.ClassAccuracy);
        }
        // The stage stores the joint weights unchanged.
        using (var a = TrainedModel.Load(jointCheckpoint))
        using (var b = TrainedModel.Load(Path.Combine(stage.Output, "last.ckpt")))
            foreach (var (key, value) in a.Network.state_dict())
                Assert.Equal(value.to_type(ScalarType.Float64).data<double>().ToArray(), b.Network.state_dict()[key].to_type(ScalarType.Float64).data<double>().ToArray());

        var markdown = RecallKit.Vision.Reports.ComparisonReport.Write(dir, VisionTasks.Report);
        Assert.Contains(markdown.Split('\n'), l => l.StartsWith("| logit-adjusted |") && l.Contains($"{100 * stageTop1:0.0}"));
        Assert.Contains(markdown.Split('\n'), l => l.StartsWith("| joint |"));

        var jointEval = Path.Combine(dir, "eval-joint-la.json");
        var output = await Cli(["eval", "--checkpoint", jointCheckpoint, "--logit-adjust", "1", "--output", jointEval]);
        Assert.Contains("post-hoc logit adjustment", output);
        var stageEval = Path.Combine(dir, "eval-stage.json");
        await Cli(["eval", "--checkpoint", Path.Combine(stage.Output, "last.ckpt"), "--output", stageEval]);
        Assert.Equal(stageTop1, Top1(jointEval), 12);
        Assert.Equal(stageTop1, Top1(stageEval), 12);

        var twice = await Cli(["eval", "--checkpoint", Path.Combine(stage.Output, "last.ckpt"), "--logit-adjust", "1"], expectSuccess: false);
        Assert.Contains("already adjusted", twice);
        var export = await Cli(["export", "--checkpoint", Path.Combine(stage.Output, "last.ckpt"), "--out", Path.Combine(dir, "x.ckpt")], expectSuccess: false);
        Assert.Contains("logit_adjust", export);

        // predict: softmax(z − τ·log π) = (p_c / π_c) / Σ_j (p_j / π_j), computed from the plain run's probabilities.
        var plainDir = Path.Combine(dir, "plain");
        var adjustedDir = Path.Combine(dir, "adjusted");
        await Cli(["predict", "--checkpoint", jointCheckpoint, "--input", Path.Combine(root, "val", "red"), "--out", plainDir, "--top", "3"]);
        await Cli(["predict", "--checkpoint", jointCheckpoint, "--logit-adjust", "1", "--input", Path.Combine(root, "val", "red"), "--out", adjustedDir, "--top", "3"]);
        var prior = new Dictionary<string, double> { ["blue"] = 24 / 38.0, ["green"] = 10 / 38.0, ["red"] = 4 / 38.0 };
        var plainRows = Probabilities(plainDir);
        var adjustedRows = Probabilities(adjustedDir);
        Assert.Equal(4, adjustedRows.Count);
        foreach (var (file, plainProbabilities) in plainRows)
        {
            double total = plainProbabilities.Sum(p => p.Value / prior[p.Key]);
            foreach (var (name, p) in plainProbabilities)
                Assert.Equal(p / prior[name] / total, adjustedRows[file][name], 5);
        }
        var onnx = await Support.CliProcess.RunAsync("predict", "--model", "m.onnx", "--logit-adjust", "1", "--input", root, "--out", dir);
        Assert.NotEqual(0, onnx.Code);
        Assert.Contains("--logit-adjust works with --checkpoint only", onnx.Stdout + onnx.Stderr);
    }

    private static async Task<string> Cli(string[] arguments, bool expectSuccess = true)
    {
        var (code, stdout, stderr) = await Support.CliProcess.RunAsync(arguments);
        Assert.True((code == 0) == expectSuccess, $"{string.Join(' ', arguments)}: exit {code}: {stdout}{stderr}");
        return stdout + stderr;
    }

    private static Dictionary<string, Dictionary<string, double>> Probabilities(string directory) =>
        File.ReadAllLines(Path.Combine(directory, "predictions.csv")).Skip(1).Select(l => l.Split(',')).ToDictionary(
            cells => Path.GetFileName(cells[0]),
            cells => Enumerable.Range(0, 3).ToDictionary(i => cells[1 + 2 * i], i => double.Parse(cells[2 + 2 * i], System.Globalization.CultureInfo.InvariantCulture)));

    private static double Top1(string evalJson) => (double)JsonNode.Parse(File.ReadAllText(evalJson))!["top1"]!;

    /// <summary>The tiny ImageFolder dataset (Support/TinyImageFolder), in this test's directory.</summary>
    private string TinyImageFolder() => Support.TinyImageFolder.Write(Path.Combine(dir, "data"), 130, 90, 60);

    private TrainConfig Config(string root, string output, int iterations = 8) => new()
    {
        Data = new DataConfig { Kind = DatasetKind.ImageFolder, Root = root, ClassificationInput = new() { ImageSize = 12 }, ImageFiles = new() { ResizeShorter = 0 }, BatchSize = 8, EvalBatchSize = 6 },
        Model = new ModelConfig { Architecture = Architecture.SmallCnn },
        Optimizer = new OptimizerConfig { Kind = OptimizerKind.Adam, LearningRate = 0.01 },
        Schedule = new ScheduleConfig { Iterations = iterations, EvalEvery = iterations, LogEvery = 4, CheckpointEvery = iterations },
        Output = Path.Combine(dir, output),
        Seed = 1,
    };
}
