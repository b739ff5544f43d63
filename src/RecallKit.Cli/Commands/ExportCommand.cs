using System.CommandLine;
using RecallKit.Vision.Training;

namespace RecallKit.Cli.Commands;

/// <summary><c>recallkit export --checkpoint ckpt --out model.ckpt</c>: the weights inference needs (SDN: backbone f and head h only).</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A checkpoint written by train.", Required = true };
        var output = new Option<string>("--out") { Description = "Inference checkpoint to write (eval and predict read it).", Required = true };
        var command = new Command("export", "Write an inference checkpoint: no optimiser or loss state; an SDN classifier keeps only f and h.") { checkpoint, output };
        command.SetAction(r => CliErrors.Run(() =>
        {
            using var model = TrainedModel.Load(r.GetValue(checkpoint)!);
            var path = r.GetValue(output)!;
            model.Export(path);
            Console.WriteLine($"saved {path} ({new FileInfo(path).Length / 1024.0 / 1024.0:F1} MB, {model.Network.parameters().Sum(p => p.numel()):N0} parameters in the network)");
            return 0;
        }));
        return command;
    }
}
