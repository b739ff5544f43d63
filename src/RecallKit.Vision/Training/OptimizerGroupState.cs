namespace RecallKit.Vision.Training;

/// <summary>One optimiser parameter group as training left it.</summary>
/// <param name="Name">backbone, head or all (see <see cref="ParameterGroups"/>).</param>
/// <param name="Tensors">Parameter tensors in the group.</param>
/// <param name="LearningRate">The learning rate of the group's last step.</param>
public sealed record OptimizerGroupState(string Name, int Tensors, double LearningRate);
