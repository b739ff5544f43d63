using RecallKit.Vision.Classification;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data.Classification;
using RecallKit.Vision.Data;
using RecallKit.Vision.Experiments;
using RecallKit.Vision.Models;
using RecallKit.Vision.Training;
using RecallKit.Vision;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Classification;

/// <summary>Returns its input flattened: "images" [N,C,1,1] are the logits.</summary>
internal sealed class LogitsAsImages() : nn.Module<Tensor, Tensor>(nameof(LogitsAsImages))
{
    public override Tensor forward(Tensor input) => input.flatten(1);
}

internal sealed class FixedBatches(float[] logits, long[] labels, int classes) : IBatchSource
{
    public int BatchesPerEpoch => 1;

    public IEnumerable<ImageBatch> Epoch(int epoch, int startBatch, CancellationToken cancellation)
    {
        yield return new ImageBatch(logits, labels, labels.Length, 1, 1, labels.Select((_, i) => $"img{i}").ToArray(), classes, ImageLabels: true);
    }
}

[Collection(nameof(Support.GlobalTorchState))]
public sealed class ClassificationTrainingTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-clstrain-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void EvaluatorComputesTopKPerClassAndShotGroupsByHand()
    {
        // 6 classes; training counts put classes 0-1 in many (>100), 2-3 in medium (20..100), 4-5 in few (<20)
        long[] training = [200, 101, 100, 20, 19, 1];
        float[] logits =
        [
            9, 1, 2, 3, 4, 5, // label 0: top-1 hit
            9, 1, 2, 3, 4, 5, // label 1: miss, rank 6 → not in top-5
            1, 9, 8, 0, 0, 0, // label 2: miss (pred 1), in top-5
            0, 0, 0, 9, 0, 0, // label 3: hit
            0, 0, 0, 0, 1, 9, // label 4: miss (pred 5), in top-5
        ];
        long[] labels = [0, 1, 2, 3, 4];
        var evaluation = ClassificationEvaluator.Evaluate(new LogitsAsImages(), new FixedBatches(logits, labels, 6), 6, CPU, training);
        Assert.Equal(2 / 5.0, evaluation.Metrics.OverallAccuracy, 12);
        Assert.Equal(4 / 5.0, evaluation.Top5, 12);
        Assert.Equal([1.0, 0, 0, 1, 0, double.NaN], evaluation.Metrics.ClassAccuracy);
        Assert.Equal(0.5, evaluation.Metrics.LongTail!.Many, 12);
        Assert.Equal(0.5, evaluation.Metrics.LongTail.Medium, 12);
        Assert.Equal(0.0, evaluation.Metrics.LongTail.Few, 12);
        Assert.Equal((2, 2, 2), (evaluation.Metrics.LongTail.ManyClasses, evaluation.Metrics.LongTail.MediumClasses, evaluation.Metrics.LongTail.FewClasses));
        // precision: class 0 predicted twice (1 right), class 5 predicted once (wrong), class 1 once (wrong)
        Assert.Equal(0.5, evaluation.Metrics.ClassPrecision[0], 12);
        Assert.Equal(0.0, evaluation.Metrics.ClassPrecision[5], 12);
    }

    /// <summary>The tiny ImageFolder dataset (Support/TinyImageFolder), in this test's directory.</summary>
    private string TinyImageFolder() => Support.TinyImageFolder.Write(Path.Combine(dir, "data"), 160, 60, 50);

    private TrainConfig Config(string root, string output, int iterations = 12) => new()
    {
        Data = new DataConfig { Kind = DatasetKind.ImageFolder, Root = root, ClassificationInput = new() { ImageSize = 12 }, ImageFiles = new() { ResizeShorter = 0 }, BatchSize = 8, EvalBatchSize = 6 },
        Model = new ModelConfig { Architecture = Architecture.SmallCnn },
        Optimizer = new OptimizerConfig { Kind = OptimizerKind.Adam, LearningRate = 0.01 },
        Schedule = new ScheduleConfig { Iterations = iterations, EvalEvery = iterations, LogEvery = 4, CheckpointEvery = iterations },
        Output = Path.Combine(dir, output),
        Seed = 1,
    };

    private static Dictionary<string, float[]> State(string checkpoint)
    {
        using var model = TrainedModel.Load(checkpoint);
        return model.Network.state_dict().Where(p => p.Value.dtype == ScalarType.Float32)
            .ToDictionary(p => p.Key, p => p.Value.data<float>().ToArray());
    }

    [Fact]
    public void DecouplingStagesChangeOnlyWhatTheyTrain()
    {
        var root = TinyImageFolder();
        var joint = Config(root, "joint");
        var result = Experiment.Train(joint, resume: false, TextWriter.Null);
        Assert.True(result.Completed);
        var before = State(Path.Combine(joint.Output, "last.ckpt"));

        var crt = Config(root, "crt") with
        {
            Model = joint.Model with { Stage = TrainingStage.Crt, InitFrom = Path.Combine(joint.Output, "last.ckpt") },
            Data = joint.Data with { Sampler = SamplerKind.ClassBalanced },
        };
        Experiment.Train(crt, resume: false, TextWriter.Null);
        var afterCrt = State(Path.Combine(crt.Output, "last.ckpt"));
        foreach (var (name, values) in before)
        {
            if (name.StartsWith("backbone.")) Assert.Equal(values, afterCrt[name]); // bit-identical, BN statistics included
            else if (name.StartsWith("fc.")) Assert.NotEqual(values, afterCrt[name]);
        }

        var lws = Config(root, "lws") with
        {
            Model = joint.Model with { Stage = TrainingStage.Lws, InitFrom = Path.Combine(joint.Output, "last.ckpt") },
            Data = joint.Data with { Sampler = SamplerKind.ClassBalanced },
        };
        Experiment.Train(lws, resume: false, TextWriter.Null);
        var afterLws = State(Path.Combine(lws.Output, "last.ckpt"));
        foreach (var (name, values) in before)
        {
            if (name == "scales") Assert.NotEqual(values, afterLws[name]);
            else Assert.Equal(values, afterLws[name]);
        }

        var tau = Config(root, "tau") with { Model = joint.Model with { Stage = TrainingStage.TauNorm, InitFrom = Path.Combine(joint.Output, "last.ckpt"), Tau = 1 } };
        var tauResult = Experiment.Train(tau, resume: false, TextWriter.Null);
        var normalised = State(Path.Combine(tau.Output, "last.ckpt"));
        var w = before["fc.weight"];
        for (int c = 0; c < 3; c++)
        {
            var row = w.Skip(c * 128).Take(128).ToArray();
            double norm = Math.Sqrt(row.Sum(v => (double)v * v));
            Assert.Equal(row[0] / norm, normalised["fc.weight"][c * 128], 5);
        }
        Assert.All(normalised["fc.bias"], b => Assert.Equal(0f, b));
        Assert.Equal(2, File.ReadAllLines(Path.Combine(tau.Output, "tau_sweep.csv")).Length);
        Assert.True(File.Exists(Path.Combine(tau.Output, "metrics.json")));
        Assert.False(double.IsNaN(tauResult.BestMetric));

        // the report of these runs is the classification table (paper Tables 5-6 columns)
        var markdown = RecallKit.Vision.Reports.ComparisonReport.Write(dir, VisionTasks.Report);
        Assert.Contains("| method | top-1 | many | medium | few | mean per-class acc | top-5 | best-eval top-1 | Δ top-1 vs CE (pts) |", markdown);
        var tauRow = markdown.Split('\n').Single(l => l.StartsWith("| tau |"));
        Assert.Contains($"{100 * tauResult.Evaluation!.Metrics.OverallAccuracy:0.0}", tauRow);
        Assert.Contains("| joint |", markdown);
        Assert.Contains("| crt |", markdown);
        var csv = File.ReadAllLines(Path.Combine(dir, "results.csv"));
        Assert.Contains("top1,top5,many_shot,medium_shot,few_shot", csv[0]);
        Assert.Equal(5, csv.Length); // header + joint, crt, lws, tau
        Assert.True(File.Exists(Path.Combine(dir, "figures", "class_accuracy.png")));
    }

    [Fact]
    public void ClassificationRunsResumeExactlyAndRecordTrainingCounts()
    {
        var root = TinyImageFolder();
        var full = Config(root, "full", 10) with { Loss = new LossConfig { Kind = LossKind.Recall, Metric = new() { EmaAlpha = 0.5 } }, Model = new ModelConfig { Architecture = Architecture.SmallCnn, Head = HeadKind.Sdn } };
        Experiment.Train(full, resume: false, TextWriter.Null);

        var first = full with { Output = Path.Combine(dir, "split"), Schedule = full.Schedule with { Iterations = 10, CheckpointEvery = 4 } };
        using (var cancel = new CancellationTokenSource())
        {
            int steps = 0;
            var progress = new SynchronousProgress(_ => { if (++steps == 5) cancel.Cancel(); });
            Assert.False(Experiment.Train(first, resume: false, TextWriter.Null, cancel.Token, progress).Completed);
        }
        Experiment.Train(first, resume: true, TextWriter.Null);
        Assert.Equal(State(Path.Combine(full.Output, "last.ckpt")), State(Path.Combine(first.Output, "last.ckpt")));

        using var model = TrainedModel.Load(Path.Combine(full.Output, "last.ckpt"));
        Assert.Equal([24L, 10, 4], model.TrainingCounts!);

        // exporting the SDN model keeps f and h only, and the export is a plain classifier with the same outputs
        var exportPath = Path.Combine(dir, "exported.ckpt");
        model.Export(exportPath);
        using (var exported = TrainedModel.Load(exportPath))
        {
            Assert.DoesNotContain(exported.Network.state_dict().Keys, k => k.StartsWith("fc_g."));
            Assert.Contains(model.Network.state_dict().Keys, k => k.StartsWith("fc_g."));
            Assert.Equal(HeadKind.Linear, exported.Config.Model.Head);
            var x = randn(new long[] { 2, 3, 12, 12 });
            using var _ = no_grad();
            Assert.Equal(model.Network.call(x).data<float>().ToArray(), exported.Network.call(x).data<float>().ToArray());
            Assert.True(new FileInfo(exportPath).Length < new FileInfo(Path.Combine(full.Output, "last.ckpt")).Length);
        }
        Assert.Equal(TaskKind.Classification, model.Task);
        // classifier re-training on the SDN model trains h only; the backbone and g stay as they were
        var crt = full with
        {
            Output = Path.Combine(dir, "sdn-crt"),
            Model = full.Model with { Stage = TrainingStage.Crt, InitFrom = Path.Combine(full.Output, "last.ckpt") },
            Loss = new LossConfig { Kind = LossKind.CrossEntropy },
            Schedule = full.Schedule with { Iterations = 4, EvalEvery = 4 },
        };
        Assert.True(Experiment.Train(crt, resume: false, TextWriter.Null).Completed);
        var sdnBefore = State(Path.Combine(full.Output, "last.ckpt"));
        var sdnAfter = State(Path.Combine(crt.Output, "last.ckpt"));
        Assert.All(sdnBefore.Keys.Where(k => !k.StartsWith("fc.")), k => Assert.Equal(sdnBefore[k], sdnAfter[k]));
        Assert.NotEqual(sdnBefore["fc.weight"], sdnAfter["fc.weight"]);

        var metrics = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(full.Output, "metrics.json")))!;
        Assert.NotNull(metrics["top5"]);
        Assert.Equal(4, (long)metrics["classes"]![2]!["pixels"]!);
    }

    [Fact]
    public async Task EvalAndPredictCommandsHandleClassifiers()
    {
        var root = TinyImageFolder();
        var config = Config(root, "cli", 4);
        Experiment.Train(config, resume: false, TextWriter.Null);
        var checkpoint = Path.Combine(config.Output, "last.ckpt");

        async Task<string> Run(params string[] args)
        {
            var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(Support.CliProcess.Assembly());
            foreach (var a in args) info.ArgumentList.Add(a);
            using var process = System.Diagnostics.Process.Start(info)!;
            var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            var stdout = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.True(process.ExitCode == 0, $"{string.Join(' ', args)}: exit {process.ExitCode}: {await stderr}");
            return stdout;
        }

        var evalOut = await Run("eval", "--checkpoint", checkpoint, "--output", Path.Combine(dir, "eval.json"));
        Assert.Contains("top-1", evalOut);
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "eval.json")))!;
        Assert.Equal(12, json["classes"]!.AsArray().Sum(c => (long)c!["pixels"]!)); // 3 classes × 4 validation images

        var output = Path.Combine(dir, "predictions");
        var predictOut = await Run("predict", "--checkpoint", checkpoint, "--input", Path.Combine(root, "val", "red"), "--out", output, "--top", "2");
        var lines = File.ReadAllLines(Path.Combine(output, "predictions.csv"));
        Assert.Equal("file,class1,probability1,class2,probability2", lines[0]);
        Assert.Equal(5, lines.Length); // header + 4 images
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',');
            double p1 = double.Parse(cells[2], System.Globalization.CultureInfo.InvariantCulture), p2 = double.Parse(cells[4], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(p1 >= p2 && p1 + p2 <= 1.0001, line);
            Assert.Contains(cells[1], new[] { "blue", "green", "red" });
        }
        Assert.Contains(" %  ", predictOut);
    }

    [Fact]
    public void FashionMnistLongTailedTrainingBeatsChanceByAWideMargin()
    {
        if (!File.Exists(Path.Combine(FashionMnist.DefaultDirectory, "train-images-idx3-ubyte.gz")))
            Assert.Skip($"Fashion-MNIST is not installed ({FashionMnist.DefaultDirectory}); `apt-get install dataset-fashion-mnist` (.ci/run does).");
        var config = new TrainConfig
        {
            Data = new DataConfig { Kind = DatasetKind.FashionMnistLt, Root = FashionMnist.DefaultDirectory, BatchSize = 64, EvalBatchSize = 1000 },
            Model = new ModelConfig { Architecture = Architecture.SmallCnn },
            Loss = new LossConfig { Kind = LossKind.Recall, Metric = new() { EmaAlpha = 0.1 } },
            Optimizer = new OptimizerConfig { Kind = OptimizerKind.Adam, LearningRate = 0.002 },
            Schedule = new ScheduleConfig { Iterations = 200, EvalEvery = 0, LogEvery = 50, CheckpointEvery = 200 },
            Output = Path.Combine(dir, "fmnist"),
        };
        var result = Experiment.Train(config, resume: false, TextWriter.Null);
        // chance is 10 % on the balanced test split; 200 steps of the small CNN reach ≈ 65-75 %
        Assert.True(result.Final!.OverallAccuracy > 0.5, $"top-1 {result.Final.OverallAccuracy:P1}");
        Assert.True(result.Final.MeanAccuracy > 0.5, $"mean accuracy {result.Final.MeanAccuracy:P1}");
    }
}

internal sealed class SynchronousProgress(Action<TrainingStatus> report) : IProgress<TrainingStatus>
{
    public void Report(TrainingStatus value) => report(value);
}
