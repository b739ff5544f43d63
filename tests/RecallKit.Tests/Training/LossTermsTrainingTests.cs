using RecallKit.Vision.Configuration;
using RecallKit.Vision.Reports;
using RecallKit.Vision.Segmentation;
using RecallKit.Vision.Training;
using RecallKit.Vision.RunFiles;

namespace RecallKit.Tests.Training;

/// <summary>A short real training run with <c>loss.terms</c>: one train_log.csv column and TensorBoard scalar per term.</summary>
[Collection(nameof(RecallKit.Tests.Support.GlobalTorchState))]
public sealed class LossTermsTrainingTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-terms-train-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static TrainingResult Train(TrainConfig config, bool resume = false)
    {
        using var model = new PixelClassifier(ColourCodedBatches.Classes);
        using var loss = LossFactory.Create(config.Loss, ColourCodedBatches.Classes, 255, null);
        return new Trainer(config, new SegmentationTask(model, loss, ColourCodedBatches.ClassNames), new ColourCodedBatches(24, 4, 6, 5, seed: 1),
            new ColourCodedBatches(8, 4, 6, 5, seed: 2), TextWriter.Null).Run(resume);
    }

    private TrainConfig Config(string name, string[] loss, int iterations = 24)
    {
        var tiny = TinyTraining.Config(Path.Combine(dir, name), iterations);
        return tiny with { Loss = ConfigLoader.Load(null, loss).Loss };
    }

    private const string Terms = """loss.terms=[{"kind":"cross_entropy"},{"kind":"dice","weight":3,"ema_alpha":0.5}]""";

    [Fact]
    public void EachTermHasAColumnAndTheirWeightedSumIsTheLoss()
    {
        var config = Config("terms", [Terms]);
        Train(config);

        var log = CsvTable.Read(Path.Combine(config.Output, RunDirectory.TrainLogFile));
        Assert.Equal(["step", "loss", "lr", "w_big", "w_medium", "w_small", "loss/0_cross_entropy", "loss/1_dice"], log.Header);
        Assert.Equal(6, log.Count);
        var (loss, ce, dice) = (log.Column("loss"), log.Column("loss/0_cross_entropy"), log.Column("loss/1_dice"));
        for (int row = 0; row < log.Count; row++)
        {
            Assert.True(ce[row] > 0 && dice[row] > 0, $"row {row}: {ce[row]}, {dice[row]}");
            Assert.Equal(loss[row], ce[row] + 3 * dice[row], 5); // the loss column is float32
        }
        Assert.True(ce[^1] < ce[0], $"cross-entropy {ce[0]} → {ce[^1]}");

        var scalars = TensorBoardEvents.Scalars(Path.Combine(config.Output, "tensorboard"));
        foreach (var (tag, column) in new[] { ("train/loss/0_cross_entropy", ce), ("train/loss/1_dice", dice) })
            Assert.Equal(column.Select(v => (float)v), scalars.Where(s => s.Tag == tag).OrderBy(s => s.Step).Select(s => s.Value));
    }

    [Fact]
    public void TheShorthandLogsTheSameColumnsAndNumbersAsItsTerms()
    {
        var shorthand = Config("shorthand", ["loss.kind=cross_entropy", "loss.plus_kind=dice", "loss.plus_loss_weight=3", "loss.ema_alpha=0.5"]);
        var listed = Config("listed", [Terms]);
        Train(shorthand);
        Train(listed);
        var a = File.ReadAllLines(Path.Combine(shorthand.Output, RunDirectory.TrainLogFile));
        Assert.Equal(File.ReadAllLines(Path.Combine(listed.Output, RunDirectory.TrainLogFile)), a);
        Assert.EndsWith(",loss/0_cross_entropy,loss/1_dice", a[0]);
    }

    [Fact]
    public void AResumedRunKeepsTheTermColumns()
    {
        var first = Config("resumed", [Terms], iterations: 12);
        Train(first);
        Train(first with { Schedule = first.Schedule with { Iterations = 24 } }, resume: true);
        var log = CsvTable.Read(Path.Combine(first.Output, RunDirectory.TrainLogFile));
        Assert.Equal(["step", "loss", "lr", "w_big", "w_medium", "w_small", "loss/0_cross_entropy", "loss/1_dice"], log.Header);
        Assert.Equal([4.0, 8, 12, 16, 20, 24], log.Column("step"));
        Assert.All(log.Column("loss/1_dice"), v => Assert.True(double.IsFinite(v)));
    }

    /// <summary>A run recorded before loss.terms: its config.json has no "terms" key; resumed with that file, it continues as before.</summary>
    [Fact]
    public void ARunWhoseConfigWasWrittenBeforeTermsResumesFromItsOwnConfigFile()
    {
        var first = Config("old", ["loss.kind=cross_entropy", "loss.plus_kind=dice", "loss.plus_loss_weight=3", "loss.ema_alpha=0.5"], iterations: 12);
        Train(first);
        var file = Path.Combine(first.Output, RunDirectory.ConfigFile);
        var old = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(file))!;
        Assert.True(old["loss"]!.AsObject().Remove("terms"));
        File.WriteAllText(file, old.ToJsonString());

        var resumed = ConfigLoader.Load(file, ["schedule.iterations=24"]);
        Assert.Equal(24, Train(resumed, resume: true).Iterations);
        var log = CsvTable.Read(Path.Combine(first.Output, RunDirectory.TrainLogFile));
        Assert.Equal(["loss/0_cross_entropy", "loss/1_dice"], log.Header.Skip(6));
        Assert.Equal([4.0, 8, 12, 16, 20, 24], log.Column("step"));
    }

    [Fact]
    public void ASingleLossLogsNoTermColumns()
    {
        var config = Config("single", ["loss.kind=recall", "loss.loss_weight=2"], iterations: 4);
        Train(config);
        Assert.Equal("step,loss,lr,w_big,w_medium,w_small", File.ReadLines(Path.Combine(config.Output, RunDirectory.TrainLogFile)).First());
    }
}
