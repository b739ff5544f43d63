using RecallKit.Vision.Distributed;

namespace RecallKit.Cli.Commands;

/// <summary>
/// A command body that may run under <c>mpirun</c>: MPI starts when there are several ranks, an error on one rank ends them
/// all (an interruption at a step boundary, decided by every rank together, does not), and MPI is shut down at the end.
/// </summary>
internal static class MpiAwareRun
{
    /// <param name="body">Given the ranks, returns the exit code and whether the run stopped on an interruption.</param>
    public static int Run(Func<IDistributed, (int code, bool stopped)> body)
    {
        IDistributed distributed = SingleProcess.Instance;
        bool stopped = false;
        int code = CliErrors.Run(() =>
        {
            distributed = DistributedTensors.Start();
            (int result, stopped) = body(distributed);
            return result;
        });
        if (distributed.Size > 1)
        {
            if (code != 0 && !stopped) distributed.Abort(code);
            distributed.Dispose();
        }
        return code;
    }
}
