using System.Reflection;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Training;

namespace RecallKit.Tests.Training;

/// <summary>The keys that may change on resume are those whose properties say so (<see cref="MayChangeOnResumeAttribute"/>).</summary>
public sealed class ResumeKeysTests
{
    [Fact]
    public void TheMarkedPropertiesAreTheKeysThatMayChangeOnResume()
    {
        Assert.Equal(
            ["data.eval_batch_size", "data.prefetch", "data.workers", "device", "output", "precision", "schedule.checkpoint_every",
             "schedule.eval_every", "schedule.iterations", "schedule.log_every", "threads"],
            ResumeCompatibility.MayChange.Order(StringComparer.Ordinal));
        // A different length or evaluation cadence would have given a finished run other recorded metrics.
        Assert.Equal(ResumeCompatibility.MayChange.Except(["schedule.iterations", "schedule.eval_every", "precision"]).Order(StringComparer.Ordinal),
            ResumeCompatibility.MayDifferWhenFinished.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EveryMarkedPropertyIsAConfigKeyAndSaysWhy()
    {
        var marked = typeof(TrainConfig).Assembly.GetTypes()
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(p => p.IsDefined(typeof(MayChangeOnResumeAttribute))).ToArray();
        Assert.Equal(ResumeCompatibility.MayChange.Count, marked.Length);
        foreach (var property in marked)
        {
            Assert.Contains(ConfigKey.All, k => k.Property == property);
            Assert.True(property.GetCustomAttribute<MayChangeOnResumeAttribute>()!.Why.Length > 10, $"{property.Name} does not say why");
        }
        Assert.Equal(ConfigKey.All.Count, ConfigKey.All.Select(k => k.Key).Distinct().Count());
        var gamma = typeof(FocalOptions).GetProperty(nameof(FocalOptions.Gamma));
        Assert.Contains(ConfigKey.All, k => k.Key == "loss.gamma" && k.Property == gamma);
    }
}
