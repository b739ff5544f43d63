namespace RecallKit.Vision.Configuration;

/// <summary>Optimiser family.</summary>
public enum OptimizerKind
{
    /// <summary>SGD with momentum and weight decay.</summary>
    Sgd,
    /// <summary>Adam.</summary>
    Adam,
}

/// <summary>Optimiser settings; the learning rate follows <see cref="ScheduleConfig"/>.</summary>
public sealed record OptimizerConfig
{
    /// <summary>Family.</summary>
    public OptimizerKind Kind { get; init; } = OptimizerKind.Adam;

    /// <summary>Base learning rate (after warm-up, before decay).</summary>
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>SGD momentum.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>L2 weight decay.</summary>
    public double WeightDecay { get; init; }

    /// <summary>
    /// DeepLabV3+: learning-rate multiplier of everything outside the ResNet backbone (ASPP, decoder, classifier, auxiliary
    /// head); the backbone trains at the scheduled rate. Typical for fine-tuning from ImageNet: 10.
    /// </summary>
    public double HeadLrMult { get; init; } = 1;

    /// <summary>Range checks of the optimiser's keys.</summary>
    public void Validate(ConfigProblems problems)
    {
        problems.Require(LearningRate > 0 && double.IsFinite(LearningRate), c => c.Optimizer.LearningRate, LearningRate, "a finite number > 0");
        problems.Require(Momentum is >= 0 and < 1, c => c.Optimizer.Momentum, Momentum, "in [0, 1)");
        problems.Require(WeightDecay >= 0, c => c.Optimizer.WeightDecay, WeightDecay, "≥ 0");
        problems.Require(HeadLrMult > 0 && double.IsFinite(HeadLrMult), c => c.Optimizer.HeadLrMult, HeadLrMult, "a finite number > 0");
    }
}
