using System.CommandLine;
using System.Diagnostics;
using System.Reflection;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Experiments;
using RecallKit.Vision.Tasks;

namespace RecallKit.Cli.Commands;

/// <summary>
/// <c>recallkit data-worker</c> (hidden): the process that prepares training batches one step ahead of the trainer. The run's
/// config comes first on standard input, as one JSON line (<see cref="DataPrefetch.Startup"/>); then requests on standard input,
/// batches on standard output.
/// </summary>
internal static class DataWorkerCommand
{
    public static Command Create()
    {
        var command = new Command("data-worker", "Serve training batches to a training process (started by train/compare/demo).") { Hidden = true };
        command.SetAction(_ =>
        {
            var config = DataPrefetch.ReadStartup(Console.In);
            if (config is null)
            {
                Console.Error.WriteLine(
                    "data-worker is started by recallkit train/compare/demo (it reads the run's config on its standard input).");
                return 2;
            }
            using var output = Console.OpenStandardOutput();
            Experiment.ServeTrainBatches(config, Console.In, output, Console.Error);
            return 0;
        });
        return command;
    }

    /// <summary>How to start this executable as a data worker for <paramref name="config"/> (sent on its standard input).</summary>
    public static ProcessStartInfo StartInfo(TrainConfig config)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("cannot locate the recallkit executable.");
        var info = new ProcessStartInfo(host) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") info.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        info.ArgumentList.Add("data-worker");
        return info;
    }
}
