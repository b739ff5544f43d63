using System.Text.Json.Nodes;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Data;

namespace RecallKit.Tests.Training;

/// <summary>The per-loss and per-dataset option records: flat keys in JSON, typed records in code, errors where unread.</summary>
public sealed class ConfigOptionsTests
{
    private const string FlatLoss = """
        "loss": {
          "kind": "tversky", "ema_alpha": 0.25, "gamma": 3, "focal_alpha": [1, 2], "beta": null, "keep": 0.5,
          "ohem_threshold": 0.6, "ohem_min_kept": 11, "ldam_max_margin": 0.3, "ldam_scale": 10, "drw_start": 0.4,
          "tversky_alpha": 0.2, "tversky_beta": 0.8, "aux_weight": 0.7, "loss_weight": 2, "plus_kind": "focal", "plus_loss_weight": 0.5
        }
        """;

    private const string FlatData = """
        "data": {
          "kind": "synthia", "root": "r", "crop_width": 64, "crop_height": 32, "scale_min": 0.5, "scale_max": 2, "color_jitter": true,
          "flip": false, "synthetic_train": 5, "synthetic_val": 6, "synthetic_seed": 8, "synthetic_confusability": 0.9,
          "synthia_void": "train_as_class", "imbalance_ratio": 10, "sampler": "square_root", "image_size": 32, "resize_shorter": 40
        }
        """;

    private static TrainConfig Parse(string section) => ConfigLoader.FromJson("{" + section + "}");

    [Fact]
    public void FlatLossKeysFillTheLossOptionRecords()
    {
        var loss = Parse(FlatLoss).Loss;
        Assert.Equal((LossKind.Tversky, LossKind.Focal, 2.0, 0.5, 0.7), (loss.Kind, loss.PlusKind, loss.LossWeight, loss.PlusLossWeight, loss.AuxWeight));
        Assert.Equal(new MetricLossOptions { EmaAlpha = 0.25 }, loss.Metric);
        Assert.Equal(3.0, loss.Focal.Gamma);
        Assert.Equal([1.0, 2.0], Assert.IsType<double[]>(loss.Focal.Alpha));
        Assert.Equal(new ClassBalancedOptions { Beta = null }, loss.ClassBalanced);
        Assert.Equal(new OhemOptions { Keep = 0.5, Threshold = 0.6, MinKept = 11 }, loss.Ohem);
        Assert.Equal(new LdamOptions { MaxMargin = 0.3, Scale = 10, DrwStart = 0.4 }, loss.Ldam);
        Assert.Equal(new TverskyOptions { Alpha = 0.2, Beta = 0.8 }, loss.Tversky);
    }

    [Fact]
    public void FlatDataKeysFillTheDataOptionRecords()
    {
        var data = Parse(FlatData).Data;
        Assert.Equal((DatasetKind.Synthia, "r", false, SamplerKind.SquareRoot), (data.Kind, data.Root, data.Flip, data.Sampler));
        Assert.Equal(new SegmentationAugmentationOptions { CropWidth = 64, CropHeight = 32, ScaleMin = 0.5, ScaleMax = 2, ColorJitter = true }, data.Segmentation);
        Assert.Equal(new SyntheticDataOptions { Train = 5, Val = 6, Seed = 8, Confusability = 0.9 }, data.Synthetic);
        Assert.Equal(new SynthiaOptions { Void = SynthiaVoid.TrainAsClass }, data.Synthia);
        Assert.Equal(new LongTailOptions { ImbalanceRatio = 10 }, data.LongTail);
        Assert.Equal(new ClassificationInputOptions { ImageSize = 32 }, data.ClassificationInput);
        Assert.Equal(new ImageFileOptions { ResizeShorter = 40 }, data.ImageFiles);
    }

    [Fact]
    public void SavingAndLoadingAgainGivesTheSameConfigAndTheSameFlatJson()
    {
        var config = Parse(FlatLoss + "," + FlatData);
        var json = ConfigLoader.ToJson(config);
        var again = ConfigLoader.FromJson(json);
        Assert.Equal(config with { Loss = config.Loss with { Focal = config.Loss.Focal with { Alpha = null } } },
            again with { Loss = again.Loss with { Focal = again.Loss.Focal with { Alpha = null } } });
        Assert.Equal(config.Loss.Focal.Alpha, again.Loss.Focal.Alpha);
        Assert.Equal(json, ConfigLoader.ToJson(again));
        var root = JsonNode.Parse(json)!;
        foreach (var section in new[] { "loss", "data" })
            Assert.All(root[section]!.AsObject(), p => Assert.IsNotType<JsonObject>(p.Value));
        Assert.Equal(0.2, (double)root["loss"]!["tversky_alpha"]!);
        Assert.Equal("train_as_class", (string)root["data"]!["synthia_void"]!);
    }

    /// <summary>The keys in the order configs were written before the option records (new keys may be added anywhere).</summary>
    [Fact]
    public void SavedConfigsKeepTheEarlierKeyOrder()
    {
        string[] loss = ["kind", "ema_alpha", "gamma", "beta", "keep", "ldam_max_margin", "ldam_scale", "aux_weight", "drw_start", "tversky_alpha",
            "tversky_beta", "ohem_threshold", "ohem_min_kept", "focal_alpha", "loss_weight", "plus_kind", "plus_loss_weight"];
        string[] data = ["kind", "root", "train_split", "val_split", "crop_width", "crop_height", "scale_min", "scale_max", "flip", "color_jitter",
            "batch_size", "prefetch", "skip_bad_files", "eval_batch_size", "synthetic_train", "synthetic_val", "synthia_void", "synthetic_seed",
            "synthetic_confusability", "imbalance_ratio", "sampler", "image_size", "resize_shorter"];
        var root = JsonNode.Parse(ConfigLoader.ToJson(new TrainConfig()))!;
        Assert.Equal(loss, root["loss"]!.AsObject().Select(p => p.Key).Where(loss.Contains));
        Assert.Equal(data, root["data"]!.AsObject().Select(p => p.Key).Where(data.Contains));
    }

    [Theory]
    [InlineData("loss.kind=dice;loss.tversky_alpha=0.3", "loss.tversky_alpha = 0.3 has no effect here: it is read only with loss.kind (or loss.plus_kind) = tversky.")]
    [InlineData("loss.kind=lovasz;loss.ohem_min_kept=4", "loss.ohem_min_kept = 4 has no effect here: it is read only with loss.kind (or loss.plus_kind) = ohem.")]
    [InlineData("loss.kind=focal;loss.ema_alpha=0.5",
        "loss.ema_alpha = 0.5 has no effect here: it is read only with loss.kind (or loss.plus_kind) = recall, precision, dice, jaccard or tversky.")]
    [InlineData("loss.kind=focal;loss.beta=0.5", "loss.beta = 0.5 has no effect here: it is read only with loss.kind (or loss.plus_kind) = class_balanced, or model.head = sdn with model.stage = joint")]
    [InlineData("data.kind=folder;data.synthia_void=train_as_class", "data.synthia_void = \"train_as_class\" has no effect here: it is read only with data.kind = synthia.")]
    [InlineData("data.imbalance_ratio=10", "data.imbalance_ratio = 10 has no effect here: it is read only with data.kind = fashion_mnist_lt, cifar10_lt or cifar100_lt.")]
    [InlineData("data.image_size=64", "data.image_size = 64 has no effect here: it is read only for classification datasets.")]
    [InlineData("data.kind=cifar10_lt;model.architecture=resnet32_cifar;data.scale_max=2", "data.scale_max = 2 has no effect here: it is read only for segmentation datasets.")]
    [InlineData("data.kind=cityscapes;data.synthetic_confusability=0.5", "data.synthetic_confusability = 0.5 has no effect here: it is read only with data.kind = synthetic.")]
    public void AnOptionKeyOfAnotherLossOrDatasetIsAnErrorNamingTheKeyAndWhenItIsRead(string overrides, string expected) =>
        Assert.Contains(expected, Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, overrides.Split(';'))).Message);

    [Theory]
    [InlineData("loss.kind=tversky;loss.tversky_alpha=0.3")]
    [InlineData("loss.kind=cross_entropy;loss.plus_kind=ohem;loss.ohem_min_kept=4")]
    [InlineData("data.kind=synthia;data.synthia_void=train_as_class")]
    [InlineData("data.kind=cityscapes;data.crop_width=64")]
    public void AnOptionKeyOfTheChosenLossOrDatasetIsAccepted(string overrides) => ConfigLoader.Load(null, overrides.Split(';'));

    [Theory]
    [InlineData("loss.tversky_gamma=1", "unknown key 'loss.tversky_gamma'. Valid keys in 'loss': aux_weight, beta, drw_start, ema_alpha, focal_alpha, gamma, keep, kind")]
    [InlineData("data.synthetic_size=1", "unknown key 'data.synthetic_size'. Valid keys in 'data': ann_dir, batch_size, color_jitter, crop_height, crop_width, eval_batch_size")]
    [InlineData("loss.focal.gamma=1", "unknown key 'loss.focal'.")]
    [InlineData("data.synthetic={\"train\":5}", "unknown key 'data.synthetic'.")]
    [InlineData("loss.metric=null", "unknown key 'loss.metric'.")]
    public void UnknownKeysAndTheRecordNamesAreErrors(string assignment, string expected) =>
        Assert.Contains(expected, Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, [assignment])).Message);

    [Fact]
    public void TheOptionRecordsDeclareTheKindsThatReadThem()
    {
        Assert.Equal([LossKind.Recall, LossKind.Precision, LossKind.Dice, LossKind.Jaccard, LossKind.Tversky],
            Enum.GetValues<LossKind>().Where(new MetricLossOptions().IsReadBy));
        Assert.Equal([LossKind.Ldam], Enum.GetValues<LossKind>().Where(new LdamOptions().IsReadBy));
        Assert.Equal([DatasetKind.Synthetic, DatasetKind.Folder, DatasetKind.Voc, DatasetKind.Ade20k, DatasetKind.Camvid, DatasetKind.Cityscapes, DatasetKind.Synthia],
            Enum.GetValues<DatasetKind>().Where(new SegmentationAugmentationOptions().IsReadBy));
        var rule = Assert.Single(ConfigApplicability.Rules, r => r.Key == "loss.drw_start");
        Assert.Equal(new LdamOptions().Condition(), rule.When);
    }
}
