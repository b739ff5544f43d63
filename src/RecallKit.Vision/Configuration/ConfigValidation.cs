using RecallKit.Vision.Data;

namespace RecallKit.Vision.Configuration;

/// <summary>
/// Range checks of hyper-parameters, declared by each section's record (<c>Validate</c>); every message names the key, the value
/// and the allowed range.
/// </summary>
public static class ConfigValidation
{
    /// <summary>Largest <c>data.workers</c>: each worker is a process holding the split's index and a batch.</summary>
    public const int MaxWorkers = 64;

    /// <summary>All problems of <paramref name="config"/>, empty when it is valid.</summary>
    /// <param name="config">The run.</param>
    /// <param name="shared">Keys inherited from a comparison's shared base (not checked for applicability).</param>
    public static IReadOnlyList<string> Problems(TrainConfig config, IReadOnlySet<string>? shared = null)
    {
        var problems = new ConfigProblems();
        bool classification = config.Data.Kind.Task() == TaskKind.Classification;
        config.Data.Validate(problems);
        config.Model.Validate(problems, config.Data.Kind, classification, config.Loss);
        config.Loss.Validate(problems, classification);
        config.Optimizer.Validate(problems);
        config.Schedule.Validate(problems);
        problems.Require(config.Threads >= 0, c => c.Threads, config.Threads, "≥ 0 (0 = libtorch default)");
        problems.Require(config.Precision != PrecisionKind.Fp16 || config.Device == DeviceKind.Cuda, c => c.Precision, "fp16",
            "fp32 or bf16 with device = cpu: fp16 needs CUDA (libtorch's CPU has no float16 convolution kernels); bf16 runs on the CPU");
        problems.Require(!string.IsNullOrWhiteSpace(config.Output), c => c.Output, config.Output, "a directory");
        problems.Add(ConfigApplicability.Problems(config, shared));
        return problems.Messages;
    }

    /// <summary>Throws a <see cref="ConfigException"/> listing every problem.</summary>
    public static void ThrowIfInvalid(TrainConfig config, IReadOnlySet<string>? shared = null)
    {
        var problems = Problems(config, shared);
        if (problems.Count > 0) throw new ConfigException(string.Join(Environment.NewLine, problems));
    }
}
