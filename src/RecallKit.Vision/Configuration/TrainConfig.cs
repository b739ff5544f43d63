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

    /// <summary>
    /// Precision of the convolutions and linear layers (forward and backward): fp32, or bf16 / fp16 mixed precision with float32
    /// master weights, batch-norm statistics, losses and metrics; fp16 (with dynamic loss scaling) needs device = cuda.
    /// </summary>
    [MayChangeOnResume("checkpoints hold float32 weights whatever the precision; the steps after the resume compute in the new one",
        ChangesRecordedResults = true)]
    public PrecisionKind Precision { get; init; } = PrecisionKind.Fp32;

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

/// <summary>What the convolutions and linear layers compute in.</summary>
public enum PrecisionKind
{
    /// <summary>float32 throughout.</summary>
    Fp32,
    /// <summary>bfloat16 convolutions and linear layers, float32 master weights, statistics, losses and metrics (CPU or CUDA).</summary>
    Bf16,
    /// <summary>float16 like bf16, with dynamic loss scaling (CUDA only).</summary>
    Fp16,
}
