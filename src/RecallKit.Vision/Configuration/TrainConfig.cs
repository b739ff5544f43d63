namespace RecallKit.Vision.Configuration;

/// <summary>A training run: data, model, loss, optimiser, schedule and where to write. JSON keys are snake_case.</summary>
public sealed record TrainConfig
{
    /// <summary>Dataset and augmentation.</summary>
    public DataConfig Data { get; init; } = new();

    /// <summary>Network.</summary>
    public ModelConfig Model { get; init; } = new();

    /// <summary>Loss function.</summary>
    public LossConfig Loss { get; init; } = new();

    /// <summary>Optimiser.</summary>
    public OptimizerConfig Optimizer { get; init; } = new();

    /// <summary>Iterations, learning-rate schedule, evaluation and logging cadence.</summary>
    public ScheduleConfig Schedule { get; init; } = new();

    /// <summary>Seed of weights, data order and augmentation.</summary>
    public int Seed { get; init; }

    /// <summary>Output directory: checkpoints, logs, metrics.</summary>
    [MayChangeOnResume("only where files go")]
    public string Output { get; init; } = "runs/default";

    /// <summary>Device to train on.</summary>
    [MayChangeOnResume("the same computation in another floating-point summation order: weights as uninterrupted, up to rounding")]
    public DeviceKind Device { get; init; } = DeviceKind.Cpu;

    /// <summary>libtorch intra-op threads; 0 keeps libtorch's default.</summary>
    [MayChangeOnResume("the same computation in another floating-point summation order: weights as uninterrupted, up to rounding")]
    public int Threads { get; init; }
}

/// <summary>Where tensors live.</summary>
public enum DeviceKind
{
    /// <summary>The CPU.</summary>
    Cpu,
    /// <summary>The first CUDA device (needs a CUDA build of libtorch).</summary>
    Cuda,
}
