using System.Runtime.InteropServices;

namespace RecallKit.Cli;

/// <summary>
/// Ctrl+C or SIGTERM (a cluster pre-empting the job) asks the run to stop at the next step boundary and write a checkpoint;
/// a second Ctrl+C exits at once (the last complete checkpoint on disk stays intact: checkpoints are renamed into place).
/// </summary>
internal sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource source = new();
    private readonly PosixSignalRegistration? sigterm;

    public Interruption()
    {
        Console.CancelKeyPress += OnCancelKeyPress;
        if (!OperatingSystem.IsWindows())
            sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                if (!source.IsCancellationRequested) ExitCode = 143;
                Request("SIGTERM");
            });
    }

    public CancellationToken Token => source.Token;

    /// <summary>
    /// The exit code of a run that stopped cleanly on this interruption, by the shell's convention (128 + signal): 130 after
    /// Ctrl+C (SIGINT), 143 after SIGTERM; 1 when no signal came (e.g. another MPI rank stopped the run).
    /// </summary>
    public int ExitCode { get; private set; } = CliErrors.RunError;

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        if (source.IsCancellationRequested)
        {
            Console.Error.WriteLine("second interrupt: exiting now; the last complete checkpoint is kept.");
            e.Cancel = false;
            return;
        }
        e.Cancel = true;
        ExitCode = 130;
        Request("Ctrl+C");
    }

    private void Request(string what)
    {
        Console.Error.WriteLine($"{what}: stopping after the current step and writing a checkpoint (press Ctrl+C again to exit at once).");
        source.Cancel();
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        sigterm?.Dispose();
        source.Dispose();
    }
}
