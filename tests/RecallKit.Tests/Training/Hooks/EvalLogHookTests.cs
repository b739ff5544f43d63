using System.Globalization;
using RecallKit.Tests.Support;
using RecallKit.Vision.Experiments;
using RecallKit.Vision.Models;
using RecallKit.Vision.RunFiles;
using RecallKit.Vision.Training.Hooks;
using RecallKit.Vision.Training;
using RecallKit.Vision;
using static TorchSharp.torch;

namespace RecallKit.Tests.Training;

public sealed class EvalLogHookTests() : TempDirectoryTest("recallkit-evallog-")
{
    [Fact]
    public void WritesTheRowTheFiniteScalarsAndTheSummaryOfEveryEvaluation()
    {
        var csv = Path.Combine(dir, "eval_log.csv");
        var console = new StringWriter();
        var evaluation = HookTestData.Top1(7); // no training counts: the many/medium/few columns are NaN
        using (var log = new CsvLog(csv, LogColumns.EvalLog(VisionTasks.For(TaskKind.Classification).EvaluationColumns), 0))
        {
            ITrainingHook hook = new EvalLogHook(log, utils.tensorboard.SummaryWriter(Path.Combine(dir, "tensorboard")), console);
            hook.AfterEvaluation(new EvaluationContext(5, evaluation));
        }

        var values = evaluation.Values;
        Assert.Equal(["step," + string.Join(",", VisionTasks.For(TaskKind.Classification).EvaluationColumns),
            "5," + string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))], File.ReadAllLines(csv));
        var finite = VisionTasks.For(TaskKind.Classification).EvaluationColumns.Where((_, c) => double.IsFinite(values[c])).Select(c => $"val/{c}");
        Assert.Equal(finite, TensorBoardEvents.Scalars(Path.Combine(dir, "tensorboard")).Select(s => s.Tag));
        Assert.Equal(0.7f, TensorBoardEvents.Scalars(Path.Combine(dir, "tensorboard")).Single(s => s.Tag == "val/top1").Value);
        Assert.Equal($"eval @ 5: {evaluation.Summary}{Environment.NewLine}", console.ToString());
    }
}
