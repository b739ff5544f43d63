using System.CommandLine;
using System.Diagnostics;
using System.Reflection;
using System.Text;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Experiments;

namespace RecallKit.Cli.Commands;

/// <summary>
/// <c>recallkit data-worker</c> (hidden): the process that prepares training batches one step ahead of the trainer. The run's
/// config comes in the environment variable <see cref="ConfigVariable"/>; requests on standard input, batches on standard output.
/// </summary>
internal static class DataWorkerCommand
{
    public const string ConfigVariable = "RECALLKIT_WORKER_CONFIG";

    public static Command Create()
    {
        var command = new Command("data-worker", "Serve training batches to a training process (started by train/compare/demo).") { Hidden = true };
        command.SetAction(_ =>
        {
            var encoded = Environment.GetEnvironmentVariable(ConfigVariable);
            if (string.IsNullOrEmpty(encoded))
            {
                Console.Error.WriteLine($"data-worker is started by recallkit train/compare/demo ({ConfigVariable} is not set).");
                return 2;
            }
            var config = ConfigLoader.FromJson(Encoding.UTF8.GetString(Convert.FromBase64String(encoded)));
            using var output = Console.OpenStandardOutput();
            Experiment.ServeTrainBatches(config, Console.In, output, Console.Error);
            return 0;
        });
        return command;
    }

    /// <summary>How to start this executable as a data worker for <paramref name="config"/>.</summary>
    public static ProcessStartInfo StartInfo(TrainConfig config)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("cannot locate the recallkit executable.");
        var info = new ProcessStartInfo(host) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") info.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        info.ArgumentList.Add("data-worker");
        info.Environment[ConfigVariable] = Convert.ToBase64String(Encoding.UTF8.GetBytes(ConfigLoader.ToJson(config)));
        return info;
    }
}
