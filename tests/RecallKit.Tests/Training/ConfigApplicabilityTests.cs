using RecallKit.Vision.Classification;
using RecallKit.Vision.Configuration;

namespace RecallKit.Tests.Training;

/// <summary>No config key is accepted and then ignored: a key set where nothing reads it is an error naming it.</summary>
public sealed class ConfigApplicabilityTests
{
    private const string Fashion = "data.kind=fashion_mnist_lt;model.architecture=small_cnn";
    private const string TauNorm = Fashion + ";model.stage=tau_norm;model.init_from=a.ckpt";

    [Fact]
    public void EveryConfigKeyHasExactlyOneRule()
    {
        var keys = ConfigApplicability.Flatten(new TrainConfig()).Keys.Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(keys, ConfigApplicability.Rules.Select(r => r.Key).Order(StringComparer.Ordinal).ToArray());
    }

    [Theory]
    [InlineData("data.crop_width=64", Fashion, "")]
    [InlineData("data.crop_height=64", Fashion, "")]
    [InlineData("data.scale_min=0.5", Fashion, "")]
    [InlineData("data.scale_max=2", Fashion, "")]
    [InlineData("data.color_jitter=true", Fashion, "")]
    [InlineData("data.synthetic_train=5", "data.kind=folder", "")]
    [InlineData("data.synthetic_val=5", "data.kind=folder", "")]
    [InlineData("data.synthetic_seed=3", "data.kind=cityscapes", "")]
    [InlineData("data.synthia_void=train_as_class", "", "data.kind=synthia")]
    [InlineData("data.imbalance_ratio=10", "", Fashion)]
    [InlineData("data.sampler=class_balanced", "", Fashion)]
    [InlineData("data.resize_shorter=128", Fashion, "data.kind=image_folder;model.architecture=small_cnn")]
    [InlineData("data.resize_shorter=64", Fashion, "data.kind=places_lt;model.architecture=resnet10")]
    [InlineData("model.output_stride=8", "", "model.architecture=deeplabv3plus_resnet18")]
    [InlineData("model.backbone_weights=w.pth", "", "model.architecture=deeplabv3plus_resnet18")]
    [InlineData("model.head=sdn", "", Fashion)]
    [InlineData("model.classifier=cosine", "", Fashion + ";loss.kind=ldam")]
    [InlineData("model.stage=crt", "", Fashion + ";model.init_from=a.ckpt")]
    [InlineData("model.tau=1", Fashion, Fashion + ";model.stage=tau_norm;model.init_from=a.ckpt")]
    [InlineData("loss.ema_alpha=0.5", "loss.kind=focal", "loss.kind=recall")]
    [InlineData("loss.gamma=3", "loss.kind=recall", "loss.kind=focal")]
    [InlineData("loss.beta=0.5", "loss.kind=inverse_frequency", Fashion + ";model.head=sdn")]
    [InlineData("loss.keep=0.5", "loss.kind=cross_entropy", "loss.kind=ohem")]
    [InlineData("loss.ldam_max_margin=0.3", "loss.kind=class_balanced", Fashion + ";loss.kind=ldam")]
    [InlineData("loss.ldam_scale=10", Fashion, Fashion + ";loss.kind=ldam")]
    [InlineData("loss.drw_start=0.5", Fashion + ";loss.kind=recall", Fashion + ";loss.kind=ldam")]
    [InlineData("optimizer.momentum=0.5", "optimizer.kind=adam", "optimizer.kind=sgd")]
    [InlineData("loss.ema_alpha=0.5", "loss.kind=cross_entropy;loss.plus_kind=lovasz", "loss.kind=cross_entropy;loss.plus_kind=recall")]
    [InlineData("loss.ema_alpha=0.5", "loss.kind=cross_entropy", "loss.kind=dice")]
    [InlineData("loss.tversky_alpha=0.3", "loss.kind=dice", "loss.kind=tversky")]
    [InlineData("loss.tversky_beta=0.7", "loss.kind=recall", "loss.kind=lovasz;loss.plus_kind=tversky")]
    [InlineData("loss.ohem_threshold=0.7", "loss.kind=cross_entropy", "loss.kind=ohem")]
    [InlineData("loss.ohem_min_kept=100", "loss.kind=focal", "loss.kind=ohem")]
    [InlineData("loss.focal_alpha=[1,2,1,1,1,1,1,1,1,1]", "loss.kind=recall", "loss.kind=focal")]
    [InlineData("loss.gamma=3", "loss.kind=cross_entropy", "loss.kind=cross_entropy;loss.plus_kind=focal")]
    [InlineData("loss.plus_loss_weight=0.5", "loss.kind=cross_entropy", "loss.kind=cross_entropy;loss.plus_kind=lovasz")]
    [InlineData("loss.loss_weight=2", TauNorm, Fashion)]
    [InlineData("model.aux_head=true", "", "model.architecture=deeplabv3plus_resnet18")]
    [InlineData("loss.aux_weight=1", "model.architecture=deeplabv3plus_resnet18", "model.architecture=deeplabv3plus_resnet18;model.aux_head=true")]
    [InlineData("loss.aux_weight=1", "model.aux_head=false", "model.architecture=deeplabv3plus_resnet50;model.aux_head=true")]
    [InlineData("optimizer.head_lr_mult=10", "", "model.architecture=deeplabv3plus_resnet18")]
    [InlineData("optimizer.head_lr_mult=10", Fashion, "model.architecture=deeplabv3plus_resnet101")]
    // τ-normalisation trains nothing: optimisation keys are refused there (TauNormalization.Run reads none of them).
    [InlineData("optimizer.learning_rate=0.1", TauNorm, Fashion)]
    [InlineData("schedule.iterations=10", TauNorm, Fashion)]
    [InlineData("loss.kind=focal", TauNorm, Fashion)]
    [InlineData("data.batch_size=4", TauNorm, Fashion)]
    [InlineData("data.sampler=class_balanced", TauNorm, Fashion)]
    // init_from replaces every weight, so backbone weights would be overwritten.
    [InlineData("model.backbone_weights=w.pth", "model.architecture=deeplabv3plus_resnet18;model.init_from=a.ckpt", "model.architecture=deeplabv3plus_resnet18")]
    // The SDN head's class-balanced loss exists only in joint training.
    [InlineData("loss.beta=0.5", Fashion + ";model.head=sdn;model.stage=crt;model.init_from=a.ckpt", Fashion + ";model.head=sdn")]
    public void AKeyIsRejectedWhereNothingReadsItAndAcceptedWhereItIsRead(string assignment, string unread, string read)
    {
        string[] Overrides(string context) => [.. context.Split(';', StringSplitOptions.RemoveEmptyEntries), assignment];
        var key = assignment[..assignment.IndexOf('=')];
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, Overrides(unread)));
        Assert.Contains(key, e.Message);
        var accepted = ConfigLoader.Load(null, Overrides(read));
        Assert.NotEqual(ConfigApplicability.Flatten(new TrainConfig())[key], ConfigApplicability.Flatten(accepted)[key]);
    }

    [Theory]
    [InlineData("loss.plus_kind=ldam", "loss.plus_kind")]
    [InlineData("loss.kind=ldam;loss.loss_weight=2", "loss.kind")]
    [InlineData("loss.kind=tversky;loss.tversky_alpha=-1", "loss.tversky_alpha")]
    [InlineData("loss.kind=ohem;loss.ohem_threshold=1.5", "loss.ohem_threshold")]
    [InlineData("loss.kind=focal;loss.focal_alpha=[1,-1]", "loss.focal_alpha")]
    [InlineData("loss.loss_weight=NaN", "loss.loss_weight")]
    public void OutOfRangeLossCombinationsAreErrorsNamingTheKey(string assignments, string key)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, [Fashion.Split(';')[0], Fashion.Split(';')[1], .. assignments.Split(';')]));
        Assert.Contains(key, e.Message);
    }

    [Theory]
    [InlineData("loss.aux_weight=-0.1", "loss.aux_weight")]
    [InlineData("optimizer.head_lr_mult=0", "optimizer.head_lr_mult")]
    public void OutOfRangeAuxiliaryAndLearningRateSettingsAreErrors(string assignment, string key)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, ["model.architecture=deeplabv3plus_resnet18", "model.aux_head=true", assignment]));
        Assert.Contains(key, e.Message);
    }

    [Fact]
    public void TheAuxiliaryAndLearningRateKeysChangeTheComputationSoResumeRefusesThem()
    {
        var saved = new TrainConfig { Model = new ModelConfig { Architecture = RecallKit.Vision.Models.Architecture.DeepLabV3PlusResNet18 } };
        var auxiliary = saved with { Model = saved.Model with { AuxHead = true } };
        var changes = new (string Key, TrainConfig Before, TrainConfig After)[]
        {
            ("model.aux_head", saved, auxiliary),
            ("loss.aux_weight", auxiliary, auxiliary with { Loss = auxiliary.Loss with { AuxWeight = 1 } }),
            ("optimizer.head_lr_mult", saved, saved with { Optimizer = saved.Optimizer with { HeadLrMult = 10 } }),
        };
        foreach (var (key, before, after) in changes)
        {
            Assert.DoesNotContain(key, RecallKit.Vision.Training.ResumeCompatibility.MayChange);
            Assert.Contains(RecallKit.Vision.Training.ResumeCompatibility.Differences(before, after), d => d.StartsWith(key + ":", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void SettingAKeyToItsDefaultIsNeverAnError() =>
        ConfigLoader.Load(null, ["loss.kind=recall", "loss.gamma=2", "data.synthia_void=ignore", "optimizer.momentum=0.9"]);

    [Fact]
    public void EveryShippedExperimentFileLoadsWithEveryVariant()
    {
        var root = FindRepositoryRoot();
        var files = Directory.GetFiles(Path.Combine(root, "experiments"), "*.json");
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var comparison = RecallKit.Vision.Experiments.ComparisonConfig.Load(file);
            foreach (var seed in comparison.Seeds)
                foreach (var variant in comparison.Variants)
                    comparison.For(variant, seed); // throws a ConfigException naming the key when a variant sets an unread key
        }
    }

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RecallKit.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("RecallKit.slnx not found above the test binaries.");
    }
}
