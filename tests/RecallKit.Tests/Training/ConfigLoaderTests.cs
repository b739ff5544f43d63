using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;

namespace RecallKit.Tests.Training;

public sealed class ConfigLoaderTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-config-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string Write(string json)
    {
        var path = Path.Combine(dir, "config.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void ReadsSnakeCaseKeysEnumsAndKeepsDefaultsForTheRest()
    {
        var config = ConfigLoader.Load(Write("""
            {
              // comments are allowed
              "seed": 3,
              "loss": { "kind": "recall", "ema_alpha": 0.9 },
              "optimizer": { "kind": "sgd", "learning_rate": 0.01 },
              "schedule": { "iterations": 40, },
            }
            """));
        Assert.Equal(3, config.Seed);
        Assert.Equal(LossKind.Recall, config.Loss.Kind);
        Assert.Equal(0.9, config.Loss.Metric.EmaAlpha);
        Assert.Equal(OptimizerKind.Sgd, config.Optimizer.Kind);
        Assert.Equal(0.01, config.Optimizer.LearningRate);
        Assert.Equal(40, config.Schedule.Iterations);
        Assert.Equal(new DataConfig(), config.Data);
    }

    [Fact]
    public void OverridesSetNestedKeysWithJsonOrBareWordValues()
    {
        var config = ConfigLoader.Load(Write("""{ "loss": { "kind": "recall" } }"""),
            ["loss.kind=focal", "loss.gamma=0.5", "output=runs/x", "data.flip=false", "loss.ema_alpha=null"]);
        Assert.Equal(LossKind.Focal, config.Loss.Kind);
        Assert.Equal(0.5, config.Loss.Focal.Gamma);
        Assert.Equal("runs/x", config.Output);
        Assert.False(config.Data.Flip);
        Assert.Null(config.Loss.Metric.EmaAlpha);
    }

    [Fact]
    public void UnknownKeyIsNamedWithTheValidKeys()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(Write("""{ "loss": { "knid": "recall" } }""")));
        Assert.Contains("'loss.knid'", e.Message);
        Assert.Contains("ema_alpha, focal_alpha, gamma, keep, kind", e.Message.Replace("beta, ", ""));
        var top = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, ["sead=1"]));
        Assert.Contains("'sead'", top.Message);
        Assert.Contains("seed", top.Message);
    }

    [Theory]
    [InlineData("optimizer.learning_rate=-0.1", "optimizer.learning_rate = -0.1")]
    [InlineData("loss.ema_alpha=0", "loss.ema_alpha = 0")]
    [InlineData("loss.ema_alpha=1.5", "loss.ema_alpha = 1.5")]
    [InlineData("loss.keep=0", "loss.keep = 0")]
    [InlineData("loss.keep=1.2", "loss.keep = 1.2")]
    [InlineData("loss.beta=1", "loss.beta = 1")]
    [InlineData("schedule.iterations=0", "schedule.iterations = 0")]
    [InlineData("model.output_stride=32", "model.output_stride = 32")]
    public void OutOfRangeHyperParametersNameKeyAndValue(string assignment, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, [assignment]));
        Assert.Contains(expected, e.Message);
        Assert.Contains("expected", e.Message);
    }

    [Fact]
    public void WrongTypeOrUnknownEnumValueIsAClearError()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, ["schedule.iterations=\"many\""]));
        Assert.Contains("schedule.iterations", e.Message);
        var en = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, ["loss.kind=recal"]));
        Assert.Contains("loss.kind", en.Message);
    }

    [Fact]
    public void MissingFileAndBadJsonAreNamed()
    {
        Assert.Contains("does not exist", Assert.Throws<ConfigException>(() => ConfigLoader.Load(Path.Combine(dir, "nope.json"))).Message);
        var path = Write("{ \"seed\": ");
        Assert.Contains(path, Assert.Throws<ConfigException>(() => ConfigLoader.Load(path)).Message);
    }

    [Fact]
    public void EnumNamesAreReadable()
    {
        var config = ConfigLoader.Load(null, ["loss.kind=soft_iou", "model.architecture=deeplabv3plus_resnet101"]);
        Assert.Equal(LossKind.SoftIoU, config.Loss.Kind);
        Assert.Equal(RecallKit.Vision.Models.Architecture.DeepLabV3PlusResNet101, config.Model.Architecture);
        Assert.Contains("\"soft_iou\"", ConfigLoader.ToJson(config));
    }

    [Fact]
    public void TheExperimentFilesInTheRepositoryAreValid()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "RecallKit.slnx"))) root = Path.GetDirectoryName(root)!;
        var files = Directory.GetFiles(Path.Combine(root, "experiments"), "*.json");
        Assert.NotEmpty(files);
        foreach (var file in files)
            Assert.NotEmpty(RecallKit.Vision.Experiments.ComparisonConfig.Load(file).Variants);
    }

    [Fact]
    public void JsonRoundTripPreservesTheConfig()
    {
        var config = ConfigLoader.Load(null, ["loss.kind=class_balanced", "loss.beta=null", "seed=9"]);
        Assert.Equal(config, ConfigLoader.FromJson(ConfigLoader.ToJson(config)));
        Assert.Contains("\"kind\": \"class_balanced\"", ConfigLoader.ToJson(config));
    }

    [Fact]
    public void TaskMismatchesAndDecouplingStagesWithoutACheckpointAreNamed()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(Write("""{"data": {"kind": "fashion_mnist_lt"}, "model": {"architecture": "lite_seg"}}""")));
        Assert.Contains("model.architecture = LiteSeg is invalid: expected a classification network for data.kind = FashionMnistLt", e.Message);
        e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(Write("""{"model": {"architecture": "resnet18"}}""")));
        Assert.Contains("expected a segmentation network for data.kind = Synthetic", e.Message);
        e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(Write("""{"data": {"kind": "cifar10_lt"}, "model": {"architecture": "resnet32_cifar", "stage": "crt"}}""")));
        Assert.Contains("model.init_from =  is invalid: expected a jointly trained checkpoint for model.stage = Crt", e.Message);
        e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(Write("""{"model": {"head": "sdn"}, "loss": {"kind": "ldam"}}""")));
        Assert.Contains("model.head / model.stage / model.classifier", e.Message);
        Assert.Contains("ldam is for classification", e.Message);
        var ok = ConfigLoader.Load(Write("""{"data": {"kind": "places_lt", "sampler": "class_balanced"}, "model": {"architecture": "resnet10", "head": "sdn"}, "loss": {"kind": "ldam", "drw_start": 0.5}}"""));
        Assert.Equal((SamplerKind.ClassBalanced, HeadKind.Sdn, LossKind.Ldam, 0.5), (ok.Data.Sampler, ok.Model.Head, ok.Loss.Kind, ok.Loss.Ldam.DrwStart));
    }

    [Theory]
    [InlineData("data.kind=vocc", "data.kind = \"vocc\" is not valid; it must be one of: synthetic, folder, voc, ade20k, camvid, cityscapes, synthia, fashion_mnist_lt,")]
    [InlineData("loss.kind=3", "loss.kind = 3 is not valid; it must be one of: cross_entropy, recall,")]
    [InlineData("loss.plus_kind=dicey", "(or null).")]
    [InlineData("schedule.iterations=many", "the value at 'schedule.iterations' has the wrong type; expected a whole number.")]
    [InlineData("data.flip=maybe", "the value at 'data.flip' has the wrong type; expected true or false.")]
    public void AWrongValueNamesTheKeyAndWhatItMayBeWithoutInternalText(string assignment, string expected)
    {
        var message = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, [assignment])).Message;
        Assert.Contains(expected, message);
        Assert.DoesNotContain("could not be converted", message);
        Assert.DoesNotContain("RecallKit.", message);
    }
}
