using System.Globalization;
using RecallKit.Tests.Support;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.RunFiles;
using RecallKit.Vision.Training;
using RecallKit.Vision.Training.Hooks;
using static TorchSharp.torch;

namespace RecallKit.Tests.Training;

public sealed class TrainLogHookTests() : TempDirectoryTest("recallkit-trainlog-")
{
    [Fact]
    public void WritesTheCsvRowTensorBoardScalarsAndConsoleLineOfEveryLogStepOnly()
    {
        var csv = Path.Combine(dir, "train_log.csv");
        var console = new StringWriter();
        var schedule = new ScheduleConfig { Iterations = 6, LogEvery = 3, EvalEvery = 0, CheckpointEvery = 100 };
        using (var log = new CsvLog(csv, LogColumns.TrainLog(HookTestData.Classes.Names), 0))
        {
            var tensorboard = utils.tensorboard.SummaryWriter(Path.Combine(dir, "tensorboard"));
            ITrainingHook hook = new TrainLogHook(log, tensorboard, HookTestData.Classes.Names, () => [0.25, double.NaN], console, schedule.Iterations, 4);
            foreach (var step in HookTestData.Steps(schedule, loss: i => i % 3 == 0 ? 1f / i : float.NaN)) hook.AfterStep(step);
        }

        string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        Assert.Equal(["step,loss,lr,w_road,w_person", $"3,{R(1f / 3)},{R(0.01 / 3)},0.25,NaN", $"6,{R(1f / 6)},{R(0.01 / 6)},0.25,NaN"],
            File.ReadAllLines(csv));
        var scalars = TensorBoardEvents.Scalars(Path.Combine(dir, "tensorboard"));
        Assert.Equal([("train/loss", 3L), ("train/lr", 3L), ("class_weight/road", 3L), ("train/loss", 6L), ("train/lr", 6L), ("class_weight/road", 6L)],
            scalars.Select(s => (s.Tag, s.Step)));
        Assert.Equal(1f / 6, scalars.Single(s => s.Tag == "train/loss" && s.Step == 6).Value);
        var lines = console.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("step 3/6  loss 0.3333  lr 0.00333  4.0 img/s  eta 00:03", lines[0]);
    }

    [Fact]
    public void WritesEachLossTermAfterTheClassWeightsAndAsATensorBoardScalar()
    {
        var csv = Path.Combine(dir, "train_log.csv");
        string[] terms = ["loss/0_cross_entropy", "loss/1_dice"];
        var schedule = new ScheduleConfig { Iterations = 2, LogEvery = 1, EvalEvery = 0, CheckpointEvery = 100 };
        using (var log = new CsvLog(csv, LogColumns.TrainLog(HookTestData.Classes.Names, terms), 0))
        {
            ITrainingHook hook = new TrainLogHook(log, utils.tensorboard.SummaryWriter(Path.Combine(dir, "tensorboard")), HookTestData.Classes.Names,
                () => [1, 2], console: null, schedule.Iterations, 4, terms);
            var steps = HookTestData.Steps(schedule, loss: _ => 2.5f).ToArray();
            hook.AfterStep(steps[0] with { LossTerms = [1, 0.5] });
            hook.AfterStep(steps[1]); // a step without term values (e.g. a skipped batch): empty cells, no scalars
        }
        Assert.Equal(["step,loss,lr,w_road,w_person,loss/0_cross_entropy,loss/1_dice", $"1,2.5,{0.01.ToString("R", CultureInfo.InvariantCulture)},1,2,1,0.5",
            $"2,2.5,{(0.01 / 2).ToString("R", CultureInfo.InvariantCulture)},1,2,NaN,NaN"], File.ReadAllLines(csv));
        var scalars = TensorBoardEvents.Scalars(Path.Combine(dir, "tensorboard"));
        Assert.Equal([("train/loss/0_cross_entropy", 1L, 1f), ("train/loss/1_dice", 1L, 0.5f)],
            scalars.Where(s => s.Tag.StartsWith("train/loss/", StringComparison.Ordinal)).Select(s => (s.Tag, s.Step, s.Value)));
    }

    [Fact]
    public void WithAProgressDisplayWritesNoConsoleLine()
    {
        var csv = Path.Combine(dir, "train_log.csv");
        var schedule = new ScheduleConfig { Iterations = 2, LogEvery = 1, EvalEvery = 0, CheckpointEvery = 100 };
        using var log = new CsvLog(csv, LogColumns.TrainLog(HookTestData.Classes.Names), 0);
        ITrainingHook hook = new TrainLogHook(log, utils.tensorboard.SummaryWriter(Path.Combine(dir, "tensorboard")), HookTestData.Classes.Names,
            () => [1, 1], console: null, schedule.Iterations, 4);
        foreach (var step in HookTestData.Steps(schedule, loss: _ => 0.5f)) hook.AfterStep(step);
        Assert.Equal(3, File.ReadAllLines(csv).Length);
    }
}
