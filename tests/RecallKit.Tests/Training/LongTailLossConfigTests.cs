using RecallKit.Losses;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Training;

namespace RecallKit.Tests.Training;

/// <summary>loss.kind = logit_adjusted | balanced_softmax | seesaw: their keys, range errors and the modules the factory builds.</summary>
public sealed class LongTailLossConfigTests
{
    private const string Fashion = "data.kind=fashion_mnist_lt;model.architecture=small_cnn";

    private static TrainConfig Load(string overrides) => ConfigLoader.Load(null, overrides.Split(';', StringSplitOptions.RemoveEmptyEntries));

    [Theory]
    [InlineData("loss.tau=2", "loss.kind=balanced_softmax", "loss.kind=logit_adjusted")]
    [InlineData("loss.tau=0.5", "loss.kind=seesaw", Fashion + ";loss.kind=logit_adjusted")]
    [InlineData("loss.tau=0.5", "loss.kind=cross_entropy", "loss.kind=cross_entropy;loss.plus_kind=logit_adjusted")]
    [InlineData("loss.seesaw_p=0.5", "loss.kind=logit_adjusted", "loss.kind=seesaw")]
    [InlineData("loss.seesaw_q=1", Fashion + ";loss.kind=balanced_softmax", Fashion + ";loss.kind=seesaw")]
    [InlineData("loss.seesaw_q=1", "loss.kind=focal", "loss.kind=recall;loss.plus_kind=seesaw")]
    public void TheNewKeysAreRejectedWhereNothingReadsThemAndAcceptedWhereTheyAreRead(string assignment, string unread, string read)
    {
        var key = assignment[..assignment.IndexOf('=')];
        var e = Assert.Throws<ConfigException>(() => Load(unread + ";" + assignment));
        Assert.Contains(key, e.Message);
        Assert.Contains("has no effect here", e.Message);
        var accepted = Load(read + ";" + assignment);
        Assert.NotEqual(ConfigApplicability.Flatten(new TrainConfig())[key], ConfigApplicability.Flatten(accepted)[key]);
    }

    [Theory]
    [InlineData("model.tau=1", Fashion, Fashion + ";model.stage=logit_adjust;model.init_from=a.ckpt")]
    [InlineData("loss.kind=focal", Fashion + ";model.stage=logit_adjust;model.init_from=a.ckpt", Fashion)]
    [InlineData("data.sampler=class_balanced", Fashion + ";model.stage=logit_adjust;model.init_from=a.ckpt", Fashion)]
    [InlineData("schedule.iterations=10", Fashion + ";model.stage=logit_adjust;model.init_from=a.ckpt", Fashion)]
    public void TheLogitAdjustmentStageReadsModelTauAndNothingAboutTraining(string assignment, string unread, string read) =>
        TheNewKeysAreRejectedWhereNothingReadsThemAndAcceptedWhereTheyAreRead(assignment, unread, read);

    [Fact]
    public void TheLogitAdjustmentStageNeedsAStartingCheckpoint()
    {
        var e = Assert.Throws<ConfigException>(() => Load(Fashion + ";model.stage=logit_adjust"));
        Assert.Contains("model.init_from", e.Message);
    }

    [Theory]
    [InlineData("loss.kind=logit_adjusted;loss.tau=NaN", "loss.tau")]
    [InlineData("loss.kind=logit_adjusted;loss.tau=Infinity", "loss.tau")]
    [InlineData("loss.kind=seesaw;loss.seesaw_p=-0.1", "loss.seesaw_p = -0.1 is invalid")]
    [InlineData("loss.kind=seesaw;loss.seesaw_q=-2", "loss.seesaw_q = -2 is invalid")]
    [InlineData("loss.kind=seesaw;loss.seesaw_q=NaN", "loss.seesaw_q")]
    public void OutOfRangeValuesAreErrorsNamingTheKey(string assignments, string key)
    {
        var e = Assert.Throws<ConfigException>(() => Load(Fashion + ";" + assignments));
        Assert.Contains(key, e.Message); // NaN and ∞ are refused by the reader, naming the key; the range check names key and value
    }

    [Fact]
    public void TheKindsAreSpelledInSnakeCaseAndTheFactoryBuildsTheirModulesWithTheConfiguredValues()
    {
        long[] counts = [90, 9, 1];
        var adjusted = Load("loss.kind=logit_adjusted;loss.tau=0.5");
        Assert.Equal(LossKind.LogitAdjusted, adjusted.Loss.Kind);
        Assert.True(LossFactory.NeedsClassCounts(adjusted.Loss));
        var la = Assert.IsType<LogitAdjustedCrossEntropy>(LossFactory.Create(adjusted.Loss, 3, 255, counts));
        Assert.Equal(0.5, la.tau);
        Assert.Equal(255, la.ignore_index);
        Assert.Equal(Math.Log(0.01), la.log_prior[2], 12);

        var balanced = Load("loss.kind=balanced_softmax");
        Assert.True(LossFactory.NeedsClassCounts(balanced.Loss));
        var bs = Assert.IsType<BalancedSoftmaxCrossEntropy>(LossFactory.Create(balanced.Loss, 3, 255, counts));
        Assert.Equal(Math.Log(9), bs.log_counts[1], 12);

        var seesawConfig = Load("loss.kind=seesaw;loss.seesaw_p=0.6;loss.seesaw_q=1.5");
        Assert.False(LossFactory.NeedsClassCounts(seesawConfig.Loss));
        var seesaw = Assert.IsType<SeesawLoss>(LossFactory.Create(seesawConfig.Loss, 3, 255, null));
        Assert.Equal((0.6, 1.5, 0.01, 255L), (seesaw.p, seesaw.q, seesaw.eps, seesaw.ignore_index));

        var e = Assert.Throws<ArgumentException>(() => LossFactory.Create(balanced.Loss, 3, 255, null));
        Assert.Contains("class counts", e.Message);
        e = Assert.Throws<ArgumentException>(() => LossFactory.Create(adjusted.Loss, 3, 255, [5, 0, 2]));
        Assert.Contains("class 1", e.Message);
    }
}
