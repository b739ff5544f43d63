using System.Text.Json.Nodes;
using RecallKit.Vision.Data.Classification;
using RecallKit.Vision.Data;
using RecallKit.Vision.Models;

namespace RecallKit.Vision.Configuration;

/// <summary>
/// Which config keys the chosen task, dataset, model and loss actually read. A key set away from its default where nothing
/// reads it is an error (not a silent no-op), e.g. <c>loss.gamma</c> without <c>loss.kind = focal</c>.
/// </summary>
public static class ConfigApplicability
{
    /// <summary>A rule: the key, when it is read, and that condition in words.</summary>
    public sealed record Rule(string Key, Func<TrainConfig, bool> Applies, string When);

    private static bool Classification(TrainConfig c) => c.Data.Kind.Task() == TaskKind.Classification;
    private static bool Always(TrainConfig c) => true;

    /// <summary>τ-normalisation and post-hoc logit adjustment change a trained classifier without training: nothing about optimisation is read.</summary>
    internal static bool Trains(TrainConfig c) => c.Model.Stage is not (TrainingStage.TauNorm or TrainingStage.LogitAdjust);

    private static bool IsDeepLab(Architecture a) => a is Architecture.DeepLabV3PlusResNet18 or Architecture.DeepLabV3PlusResNet34
        or Architecture.DeepLabV3PlusResNet50 or Architecture.DeepLabV3PlusResNet101;

    private static bool IsTorchvisionResNet(Architecture a) => a is Architecture.ResNet10 or Architecture.ResNet18 or Architecture.ResNet50 or Architecture.ResNet152;

    /// <summary>Every key of <see cref="TrainConfig"/> with the condition under which it is read.</summary>
    public static IReadOnlyList<Rule> Rules { get; } = [.. SectionRules(), .. OptionRules()];

    /// <summary>The keys of an option record (<see cref="ConfigOptions"/>) are read where the record says they are.</summary>
    private static IEnumerable<Rule> OptionRules()
    {
        var defaults = new TrainConfig();
        foreach (var section in ConfigLoader.Options.GetTypeInfo(typeof(TrainConfig)).Properties)
            foreach (var group in JsonFlattening.FlattenedProperties(section.PropertyType).Where(p => p.PropertyType.IsAssignableTo(typeof(ConfigOptions))))
            {
                string condition = ((ConfigOptions)group.GetValue(section.Get!(defaults))!).Condition();
                bool Applies(TrainConfig c) => ((ConfigOptions)group.GetValue(section.Get!(c))!).IsRead(c);
                foreach (var key in ConfigLoader.Options.GetTypeInfo(group.PropertyType).Properties.Where(k => k.Get is not null))
                    yield return new($"{section.Name}.{key.Name}", Applies, condition);
            }
    }

    private static IEnumerable<Rule> SectionRules() =>
    [
        new(ConfigKey.Of(c => c.Data.Kind), Always, "always"),
        new(ConfigKey.Of(c => c.Data.Root), Always, "always"),
        new(ConfigKey.Of(c => c.Data.TrainSplit), Always, "always"),
        new(ConfigKey.Of(c => c.Data.ValSplit), Always, "always"),
        new(ConfigKey.Of(c => c.Data.Flip), Trains, "when the run trains (not with model.stage = tau_norm or logit_adjust)"),
        new(ConfigKey.Of(c => c.Data.BatchSize), Trains, "when the run trains (not with model.stage = tau_norm or logit_adjust)"),
        new(ConfigKey.Of(c => c.Data.Prefetch), Trains, "when the run trains (not with model.stage = tau_norm or logit_adjust)"),
        new(ConfigKey.Of(c => c.Data.Workers), c => Trains(c) && c.Data.Prefetch != PrefetchMode.Off, "when data workers may prefetch (data.prefetch = auto or on, the run trains)"),
        new(ConfigKey.Of(c => c.Data.SkipBadFiles), Always, "always"),
        new(ConfigKey.Of(c => c.Data.EvalBatchSize), Always, "always"),
        new(ConfigKey.Of(c => c.Data.Sampler), c => Classification(c) && Trains(c), "for classification training (not with model.stage = tau_norm or logit_adjust)"),
        new(ConfigKey.Of(c => c.Model.Architecture), Always, "always"),
        new(ConfigKey.Of(c => c.Model.OutputStride), c => IsDeepLab(c.Model.Architecture), "with a deeplabv3plus_* architecture"),
        new(ConfigKey.Of(c => c.Model.BackboneWeights), c => (IsDeepLab(c.Model.Architecture) || IsTorchvisionResNet(c.Model.Architecture)) && c.Model.InitFrom is null,
            "with a deeplabv3plus_* or resnet10/18/50/152 architecture and no model.init_from (whose weights replace them)"),
        new(ConfigKey.Of(c => c.Model.Head), Classification, "for classification"),
        new(ConfigKey.Of(c => c.Model.Classifier), Classification, "for classification"),
        new(ConfigKey.Of(c => c.Model.Stage), Classification, "for classification"),
        new(ConfigKey.Of(c => c.Model.InitFrom), Always, "always"),
        new(ConfigKey.Of(c => c.Model.SyncBn), c => Trains(c) && c.Model.Architecture != Architecture.SmallCnn, "when the run trains a network with BatchNorm (not small_cnn, not model.stage = tau_norm or logit_adjust)"),
        new(ConfigKey.Of(c => c.Model.AuxHead), c => IsDeepLab(c.Model.Architecture), "with a deeplabv3plus_* architecture"),
        new(ConfigKey.Of(c => c.Model.Tau), c => c.Model.Stage is TrainingStage.TauNorm or TrainingStage.LogitAdjust, "with model.stage = tau_norm or logit_adjust"),
        new(ConfigKey.Of(c => c.Loss.Kind), Trains, "when the run trains (not with model.stage = tau_norm or logit_adjust)"),
        new(ConfigKey.Of(c => c.Loss.AuxWeight), c => IsDeepLab(c.Model.Architecture) && c.Model.AuxHead, "with model.aux_head = true (a deeplabv3plus_* architecture)"),
        new(ConfigKey.Of(c => c.Loss.LossWeight), Trains, "when the run trains (not with model.stage = tau_norm or logit_adjust)"),
        new(ConfigKey.Of(c => c.Loss.PlusKind), Trains, "when the run trains (not with model.stage = tau_norm or logit_adjust)"),
        new(ConfigKey.Of(c => c.Loss.PlusLossWeight), c => Trains(c) && c.Loss.PlusKind is not null, "with loss.plus_kind set"),
        new(ConfigKey.Of(c => c.Loss.Terms), Trains, "when the run trains (not with model.stage = tau_norm or logit_adjust)"),
        new(ConfigKey.Of(c => c.Optimizer.Kind), Trains, "when the run trains (not with model.stage = tau_norm or logit_adjust)"),
        new(ConfigKey.Of(c => c.Optimizer.LearningRate), Trains, "when the run trains (not with model.stage = tau_norm or logit_adjust)"),
        new(ConfigKey.Of(c => c.Optimizer.Momentum), c => Trains(c) && c.Optimizer.Kind == OptimizerKind.Sgd, "with optimizer.kind = sgd"),
        new(ConfigKey.Of(c => c.Optimizer.WeightDecay), Trains, "when the run trains (not with model.stage = tau_norm or logit_adjust)"),
        new(ConfigKey.Of(c => c.Optimizer.HeadLrMult), c => IsDeepLab(c.Model.Architecture), "with a deeplabv3plus_* architecture (backbone vs the rest)"),
        new(ConfigKey.Of(c => c.Schedule.Iterations), Trains, "when the run trains (not with model.stage = tau_norm or logit_adjust)"),
        new(ConfigKey.Of(c => c.Schedule.WarmupIterations), Trains, "when the run trains (not with model.stage = tau_norm or logit_adjust)"),
        new(ConfigKey.Of(c => c.Schedule.PolyPower), Trains, "when the run trains (not with model.stage = tau_norm or logit_adjust)"),
        new(ConfigKey.Of(c => c.Schedule.EvalEvery), Trains, "when the run trains (not with model.stage = tau_norm or logit_adjust)"),
        new(ConfigKey.Of(c => c.Schedule.LogEvery), Trains, "when the run trains (not with model.stage = tau_norm or logit_adjust)"),
        new(ConfigKey.Of(c => c.Schedule.CheckpointEvery), Trains, "when the run trains (not with model.stage = tau_norm or logit_adjust)"),
        new(ConfigKey.Of(c => c.Schedule.SkipNonfinite), Trains, "when the run trains (not with model.stage = tau_norm or logit_adjust)"),
        new(ConfigKey.Of(c => c.Seed), Always, "always"),
        new(ConfigKey.Of(c => c.Output), Always, "always"),
        new(ConfigKey.Of(c => c.Device), Always, "always"),
        new(ConfigKey.Of(c => c.Precision), Always, "always"),
        new(ConfigKey.Of(c => c.Threads), Always, "always"),
    ];

    /// <summary>The config's keys as dotted names with their JSON values (e.g. <c>loss.gamma</c> → <c>2</c>).</summary>
    public static IReadOnlyDictionary<string, string> Flatten(TrainConfig config) => Flatten(JsonNode.Parse(ConfigLoader.ToJson(config)));

    /// <summary>The dotted keys and JSON values of the leaves of a JSON config object.</summary>
    public static IReadOnlyDictionary<string, string> Flatten(JsonNode? root)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        Visit(root, "");
        return values;

        void Visit(JsonNode? node, string key)
        {
            if (node is JsonObject obj)
                foreach (var (name, child) in obj) Visit(child, key.Length == 0 ? name : $"{key}.{name}");
            else
                values[key] = node?.ToJsonString() ?? "null";
        }
    }

    /// <summary>One message per key that differs from its default where nothing reads it.</summary>
    /// <param name="config">The run.</param>
    /// <param name="shared">Keys inherited from a comparison's shared base, which serves every variant: not checked.</param>
    public static IEnumerable<string> Problems(TrainConfig config, IReadOnlySet<string>? shared = null)
    {
        var values = Flatten(config);
        var defaults = Flatten(new TrainConfig());
        foreach (var rule in Rules)
            if (values.TryGetValue(rule.Key, out var value) && value != defaults[rule.Key] && !rule.Applies(config) && shared?.Contains(rule.Key) != true)
                yield return config.Loss.Terms is not null && LossTermRules.IsTermOption(rule.Key)
                    ? LossTermRules.SectionKeyWithTerms(rule.Key, value)
                    : $"{rule.Key} = {value} has no effect here: it is read only {rule.When}. " +
                      "Remove it or change the setting it depends on.";
    }
}
