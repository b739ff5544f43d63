using RecallKit.Vision.Configuration;
using RecallKit.Vision.Training;

namespace RecallKit.Cli;

/// <summary>Turns the errors users can cause into one clear line on stderr and a non-zero exit code.</summary>
internal static class CliErrors
{
    public const int UsageError = 2;
    public const int RunError = 1;

    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (ConfigException e)
        {
            return Fail($"config error: {e.Message}", UsageError);
        }
        catch (NonFiniteLossException e)
        {
            return Fail($"training stopped: {e.Message}", RunError);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException
                                      or NotSupportedException or InvalidOperationException)
        {
            return Fail($"error: {e.Message}", RunError);
        }
        catch (OperationCanceledException)
        {
            return Fail("cancelled.", RunError);
        }
        catch (AggregateException e) when (e.Flatten().InnerExceptions.Count > 0)
        {
            // A parallel loop that did not unwrap its error: report its first one like any other.
            var first = e.Flatten().InnerExceptions[0];
            return Run(() => { System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first); return RunError; });
        }
    }

    private static int Fail(string message, int code)
    {
        Console.Error.WriteLine(message);
        return code;
    }
}
