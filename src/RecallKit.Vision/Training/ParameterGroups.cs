using RecallKit.Vision.Configuration;
using RecallKit.Vision.Models;
using TorchSharp;
using TorchSharp.Modules;

namespace RecallKit.Vision.Training;

/// <summary>One optimiser parameter group and its learning-rate multiplier (the group's rate is the scheduled rate × it).</summary>
/// <param name="Name">What the group holds, for messages.</param>
/// <param name="Parameters">The parameters.</param>
/// <param name="LrMultiplier">Multiplier of the scheduled learning rate.</param>
public sealed record ParameterGroup(string Name, IReadOnlyList<Parameter> Parameters, double LrMultiplier);

/// <summary>
/// Splits the trainable parameters into the optimiser's groups: with <c>optimizer.head_lr_mult</c> ≠ 1 on a DeepLabV3+, the
/// ResNet backbone at the scheduled rate and everything else (ASPP, decoder, classifier, auxiliary head) at rate × mult;
/// otherwise one group, as before the option existed (so optimiser state of older checkpoints still loads).
/// </summary>
public static class ParameterGroups
{
    /// <summary>The groups for <paramref name="model"/>'s <paramref name="trainable"/> parameters under <paramref name="optimizer"/>.</summary>
    public static IReadOnlyList<ParameterGroup> Split(torch.nn.Module model, IReadOnlyList<Parameter> trainable, OptimizerConfig optimizer)
    {
        if (optimizer.HeadLrMult == 1 || model is not DeepLabV3Plus deeplab) return [new ParameterGroup("all", trainable, 1)];
        var backbone = deeplab.Backbone.parameters().Select(p => p.Handle).ToHashSet();
        return
        [
            new ParameterGroup("backbone", trainable.Where(p => backbone.Contains(p.Handle)).ToArray(), 1),
            new ParameterGroup("head", trainable.Where(p => !backbone.Contains(p.Handle)).ToArray(), optimizer.HeadLrMult),
        ];
    }
}
