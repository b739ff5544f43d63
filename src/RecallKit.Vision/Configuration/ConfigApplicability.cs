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
        new("data.kind", Always, "always"),
        new("data.root", Always, "always"),
        new("data.train_split", Always, "always"),
        new("data.val_split", Always, "always"),
        new("data.flip", Trains, "when the run trains (not with model.stage = tau_norm or logit_adjust)"),
        new("data.batch_size", Trains, "when the run trains (not with model.stage = tau_norm or logit_adjust)"),
        new("data.prefetch", Trains, "when the run trains (not with model.stage = tau_norm or logit_adjust)"),
        new("data.workers", c => Trains(c) && c.Data.Prefetch != PrefetchMode.Off, "when data workers may prefetch (data.prefetch = auto or on, the run trains)"),
        new("data.skip_bad_files", Always, "always"),
        new("data.eval_batch_size", Always, "always"),
        new("data.sampler", c => Classification(c) && Trains(c), "for classification training (not with model.stage = tau_norm or logit_adjust)"),
        new("model.architecture", Always, "always"),
        new("model.output_stride", c => IsDeepLab(c.Model.Architecture), "with a deeplabv3plus_* architecture"),
        new("model.backbone_weights", c => (IsDeepLab(c.Model.Architecture) || IsTorchvisionResNet(c.Model.Architecture)) && c.Model.InitFrom is null,
            "with a deeplabv3plus_* or resnet10/18/50/152 architecture and no model.init_from (whose weights replace them)"),
        new("model.head", Classification, "for classification"),
        new("model.classifier", Classification, "for classification"),
        new("model.stage", Classification, "for classification"),
        new("model.init_from", Always, "always"),
        new("model.sync_bn", c => Trains(c) && c.Model.Architecture != Architecture.SmallCnn, "when the run trains a network with BatchNorm (not small_cnn, not model.stage = tau_norm or logit_adjust)"),
        new("model.aux_head", c => IsDeepLab(c.Model.Architecture), "with a deeplabv3plus_* architecture"),
        new("model.tau", c => c.Model.Stage is TrainingStage.TauNorm or TrainingStage.LogitAdjust, "with model.stage = tau_norm or logit_adjust"),
        new("loss.kind", Trains, "when the run trains (not with model.stage = tau_norm or logit_adjust)"),
        new("loss.aux_weight", c => IsDeepLab(c.Model.Architecture) && c.Model.AuxHead, "with model.aux_head = true (a deeplabv3plus_* architecture)"),
        new("loss.loss_weight", Trains, "when the run trains (not with model.stage = tau_norm or logit_adjust)"),
        new("loss.plus_kind", Trains, "when the run trains (not with model.stage = tau_norm or logit_adjust)"),
        new("loss.plus_loss_weight", c => Trains(c) && c.Loss.PlusKind is not null, "with loss.plus_kind set"),
        new("loss.terms", Trains, "when the run trains (not with model.stage = tau_norm or logit_adjust)"),
        new("optimizer.kind", Trains, "when the run trains (not with model.stage = tau_norm or logit_adjust)"),
        new("optimizer.learning_rate", Trains, "when the run trains (not with model.stage = tau_norm or logit_adjust)"),
        new("optimizer.momentum", c => Trains(c) && c.Optimizer.Kind == OptimizerKind.Sgd, "with optimizer.kind = sgd"),
        new("optimizer.weight_decay", Trains, "when the run trains (not with model.stage = tau_norm or logit_adjust)"),
        new("optimizer.head_lr_mult", c => IsDeepLab(c.Model.Architecture), "with a deeplabv3plus_* architecture (backbone vs the rest)"),
        new("schedule.iterations", Trains, "when the run trains (not with model.stage = tau_norm or logit_adjust)"),
        new("schedule.warmup_iterations", Trains, "when the run trains (not with model.stage = tau_norm or logit_adjust)"),
        new("schedule.poly_power", Trains, "when the run trains (not with model.stage = tau_norm or logit_adjust)"),
        new("schedule.eval_every", Trains, "when the run trains (not with model.stage = tau_norm or logit_adjust)"),
        new("schedule.log_every", Trains, "when the run trains (not with model.stage = tau_norm or logit_adjust)"),
        new("schedule.checkpoint_every", Trains, "when the run trains (not with model.stage = tau_norm or logit_adjust)"),
        new("schedule.skip_nonfinite", Trains, "when the run trains (not with model.stage = tau_norm or logit_adjust)"),
        new("seed", Always, "always"),
        new("output", Always, "always"),
        new("device", Always, "always"),
        new("threads", Always, "always"),
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
