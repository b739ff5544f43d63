using System.CommandLine;
using RecallKit.Cli.Commands;
using RecallKit.Cli;
using RecallKit.Runtime;

NativeAllocator.RetainFreedMemory();
CommandName.UseToolName();
if (args.Length > 0 && args[0] is "train" or "eval" or "predict" or "demo" or "compare" or "export") Nnpack.Disable(); // not for help, reports, data tools
var root = new RootCommand("RecallKit: recall loss for imbalanced classification and segmentation, with the baselines it is compared against.")
{
    DemoCommand.Create(),
    TrainCommand.Create(),
    EvalCommand.Create(),
    PredictCommand.Create(),
    ExportCommand.Create(),
    CompareCommand.Create(),
    ReportCommand.Create(),
    SweepCommand.Create(),
    DataCommand.Create(),
    ConfigCommand.Create(),
    InfoCommand.Create(),
    DataWorkerCommand.Create(),
};
return root.Parse(args).Invoke();
