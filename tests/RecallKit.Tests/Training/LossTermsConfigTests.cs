using System.Text.Json.Nodes;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Training;

namespace RecallKit.Tests.Training;

/// <summary><c>loss.terms</c> in configs: parsing, its errors, the <c>kind</c> / <c>plus_kind</c> shorthand, and configs written before it.</summary>
public sealed class LossTermsConfigTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-terms-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string Write(string json)
    {
        var path = Path.Combine(dir, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static string Error(params string[] overrides) => Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, overrides)).Message;

    [Fact]
    public void EachTermHasItsKindWeightAndOwnOptions()
    {
        var config = ConfigLoader.Load(Write("""
            { "loss": { "terms": [
                { "kind": "cross_entropy" },
                { "kind": "dice", "weight": 3.0, "ema_alpha": null },
                { "kind": "focal", "weight": 0.5, "gamma": 1, "focal_alpha": [1, 2, 3] },
                { "kind": "recall", "ema_alpha": 0.25, "recall_blend": 0.5, "recall_blend_fixed": "inverse_frequency" } ] } }
            """));
        var terms = config.Loss.TrainedTerms;
        Assert.Same(config.Loss.Terms, terms);
        Assert.Equal([LossKind.CrossEntropy, LossKind.Dice, LossKind.Focal, LossKind.Recall], terms.Select(t => t.Kind));
        Assert.Equal([1.0, 3.0, 0.5, 1.0], terms.Select(t => t.Weight));
        Assert.Null(terms[1].Metric.EmaAlpha);
        Assert.Equal(1.0, terms[2].Focal.Gamma);
        Assert.Equal([1.0, 2, 3], terms[2].Focal.Alpha!);
        Assert.Equal(2.0, terms[0].Focal.Gamma); // a term's own default, not another term's value
        Assert.Equal((0.25, 0.5, RecallBlendFixedWeights.InverseFrequency), (terms[3].Metric.EmaAlpha, terms[3].RecallBlend.Blend, terms[3].RecallBlend.Fixed));
        Assert.True(LossFactory.NeedsClassCounts(config.Loss)); // the blended recall term's fixed weights
        Assert.Equal(["loss/0_cross_entropy", "loss/1_dice", "loss/2_focal", "loss/3_recall"], LossTermColumns.Of(config.Loss));
    }

    [Fact]
    public void KindAndPlusKindAreTheTwoTermShorthandWithTheSectionsOptions()
    {
        var loss = ConfigLoader.Load(null, ["loss.kind=recall", "loss.ema_alpha=0.5", "loss.loss_weight=2", "loss.plus_kind=dice", "loss.plus_loss_weight=0.5"]).Loss;
        Assert.Null(loss.Terms);
        Assert.Equal(new (LossKind, double, double?)[] { (LossKind.Recall, 2.0, 0.5), (LossKind.Dice, 0.5, 0.5) },
            loss.TrainedTerms.Select(t => (t.Kind, t.Weight, t.Metric.EmaAlpha)));
        Assert.Equal(["loss/0_recall", "loss/1_dice"], LossTermColumns.Of(loss));
        Assert.Empty(LossTermColumns.Of(new LossConfig { Kind = LossKind.Focal, LossWeight = 2 })); // one term: the loss column is the term
    }

    [Theory]
    [InlineData("[]", "loss.terms = [] is invalid: expected at least one term")]
    [InlineData("{\"kind\":\"dice\"}", "loss.terms = {\"kind\":\"dice\"} is not valid; it must be a list of terms")]
    [InlineData("[{\"kind\":\"cross_entropy\"},{\"weight\":2}]", "loss.terms[1].kind is missing")]
    [InlineData("[{\"kind\":\"cross_entropy\"},3]", "loss.terms[1].kind is missing")]
    [InlineData("[{\"kind\":\"cross_entropy\"},{\"kind\":\"dicey\"}]", "loss.terms[1].kind = \"dicey\" is not valid; it must be one of: cross_entropy, recall")]
    [InlineData("[{\"kind\":\"cross_entropy\"},{\"kind\":\"dice\",\"gamma\":1}]",
        "loss.terms[1].gamma = 1 has no effect here: it is read only with the term's kind = focal. Remove it or change loss.terms[1].kind (now dice).")]
    [InlineData("[{\"kind\":\"focal\",\"ema_alpha\":0.5}]",
        "loss.terms[0].ema_alpha = 0.5 has no effect here: it is read only with the term's kind = recall, precision, dice, jaccard or tversky.")]
    [InlineData("[{\"kind\":\"focal\",\"beta\":0.5}]", "loss.terms[0].beta = 0.5 has no effect here: it is read only with the term's kind = class_balanced, or the term's recall_blend")]
    [InlineData("[{\"kind\":\"cross_entropy\"},{\"kind\":\"dice\",\"gama\":1}]", "unknown key 'loss.terms[1].gama'. Valid keys in 'loss.terms[1]': beta, drw_start, ema_alpha")]
    [InlineData("[{\"kind\":\"focal\",\"gamma\":\"x\"}]", "the value at 'loss.terms[0].gamma' has the wrong type; expected a number.")]
    [InlineData("[{\"kind\":\"focal\",\"gamma\":-1}]", "loss.terms[0].gamma = -1 is invalid: expected ≥ 0.")]
    [InlineData("[{\"kind\":\"dice\",\"ema_alpha\":2}]", "loss.terms[0].ema_alpha = 2 is invalid: expected in (0, 1], or null for batch statistics.")]
    [InlineData("[{\"kind\":\"cross_entropy\"},{\"kind\":\"dice\",\"weight\":0}]", "loss.terms[1].weight = 0 is invalid: expected a finite number > 0.")]
    [InlineData("[{\"kind\":\"cross_entropy\",\"weight\":-1}]", "loss.terms[0].weight = -1 is invalid: expected a finite number > 0.")]
    [InlineData("[{\"kind\":\"cross_entropy\"},{\"kind\":\"lovasz\"},{\"kind\":\"recall\",\"recall_blend_fixed\":\"inverse_frequency\"}]",
        "loss.terms[2].recall_blend_fixed = inverse_frequency is invalid: expected left unset without loss.terms[2].recall_blend")]
    [InlineData("[{\"kind\":\"ldam\"}]", "loss.terms[0].kind = ldam is invalid: expected a segmentation loss (ldam is for classification).")]
    public void BadTermsAreErrorsNamingTheTermAndKey(string terms, string expected) => Assert.Contains(expected, Error($"loss.terms={terms}"));

    /// <summary>JSON has no NaN or ∞ (1e999 would read as ∞); a config built in code is checked by the terms' rules.</summary>
    [Fact]
    public void ANonFiniteWeightIsAnError()
    {
        Assert.Contains("loss.terms[1].weight = 1e999 is not valid: expected a finite number.",
            Error("""loss.terms=[{"kind":"cross_entropy"},{"kind":"dice","weight":1e999}]"""));
        Assert.Contains("loss.loss_weight = -1e999 is not valid: expected a finite number.", Error("loss.loss_weight=-1e999")); // was a serialiser's stack trace
        foreach (var weight in new[] { double.NaN, double.PositiveInfinity })
        {
            var loss = new LossConfig { Terms = [new LossTerm(), new LossTerm { Kind = LossKind.Dice, Weight = weight }] };
            Assert.Contains($"loss.terms[1].weight = {weight} is invalid: expected a finite number > 0.", LossTermRules.Problems(loss, classification: false));
        }
    }

    [Theory]
    [InlineData("loss.plus_kind=dice")]
    [InlineData("loss.kind=cross_entropy")] // even the default value, when written
    [InlineData("loss.kind=recall")]
    [InlineData("loss.loss_weight=2")]
    [InlineData("loss.plus_loss_weight=1")]
    public void TermsWithTheShorthandKeysAreAnError(string shorthand) =>
        Assert.Contains("loss.terms cannot be combined with loss.kind, loss.plus_kind, loss.loss_weight or loss.plus_loss_weight",
            Error("loss.terms=[{\"kind\":\"cross_entropy\"},{\"kind\":\"dice\"}]", shorthand));

    [Fact]
    public void TermsWithTheShorthandSetInCodeAreAnError() =>
        Assert.Contains(LossTermRules.Together(), ConfigValidation.Problems(new TrainConfig
        {
            Loss = new LossConfig { Kind = LossKind.Recall, Terms = [new LossTerm { Kind = LossKind.Dice }] },
        }));

    [Fact]
    public void ASectionHyperParameterBesideTermsBelongsInATerm() =>
        Assert.Contains("loss.gamma = 3 has no effect here: with loss.terms every term has its own hyper-parameters; set it in the term that reads it (loss.terms[i].gamma).",
            Error("loss.terms=[{\"kind\":\"focal\"}]", "loss.gamma=3"));

    [Theory]
    [InlineData("[{\"kind\":\"cross_entropy\"},{\"kind\":\"ldam\"}]", "data.kind=cifar10_lt", "ldam only trains alone")]
    [InlineData("[{\"kind\":\"ldam\",\"weight\":2}]", "data.kind=cifar10_lt", "loss.terms[0].weight = 2 is invalid: expected 1 for ldam")]
    [InlineData("[{\"kind\":\"cross_entropy\"},{\"kind\":\"lovasz\"}]", "loss.pixel_sampler=ohem", "loss.pixel_sampler = ohem is invalid")]
    public void TheLdamAndSamplerRestrictionsHoldForTerms(string terms, string other, string expected)
    {
        var overrides = other.StartsWith("data.", StringComparison.Ordinal) ? new[] { other, "model.architecture=resnet32_cifar" } : [other];
        Assert.Contains(expected, Error([$"loss.terms={terms}", .. overrides]));
    }

    [Fact]
    public void LdamAloneAsATermTrainsAsLoss()
    {
        var loss = ConfigLoader.Load(null, ["data.kind=cifar10_lt", "model.architecture=resnet32_cifar", "loss.terms=[{\"kind\":\"ldam\",\"drw_start\":0.5}]"]).Loss;
        Assert.True(loss.TrainsLdam);
        Assert.Equal(0.5, loss.TrainedTerms[0].Ldam.DrwStart);
    }

    [Fact]
    public void AComparisonBasesShorthandGivesWayToAVariantsTerms()
    {
        var path = Write("""{ "loss": { "kind": "recall", "ema_alpha": 0.5 } }""");
        var terms = "loss.terms=[{\"kind\":\"cross_entropy\"},{\"kind\":\"dice\",\"weight\":3}]";
        var config = ConfigLoader.Load(path, [terms], shared: new HashSet<string> { "loss.kind", "loss.ema_alpha" });
        Assert.Equal([LossKind.CrossEntropy, LossKind.Dice], config.Loss.Kinds);
        Assert.Contains("loss.terms cannot be combined", Assert.Throws<ConfigException>(() => ConfigLoader.Load(path, [terms])).Message);
    }

    [Fact]
    public void AConfigWrittenWithTermsLoadsAgainAndLeavesTheShorthandOut()
    {
        var config = ConfigLoader.Load(null, ["loss.terms=[{\"kind\":\"cross_entropy\"},{\"kind\":\"focal\",\"weight\":0.5,\"gamma\":1}]"]);
        var json = ConfigLoader.ToJson(config);
        var loss = JsonNode.Parse(json)!["loss"]!.AsObject();
        Assert.DoesNotContain(loss, p => p.Key is "kind" or "plus_kind" or "loss_weight" or "plus_loss_weight" or "gamma" or "ema_alpha");
        Assert.Equal(["kind", "weight"], loss["terms"]![0]!.AsObject().Select(p => p.Key)); // a term writes the keys its kind reads
        Assert.Equal(["kind", "weight", "gamma", "focal_alpha"], loss["terms"]![1]!.AsObject().Select(p => p.Key));
        var again = ConfigLoader.Load(Write(json)); // what `train --config <run>/config.json --resume` reads
        Assert.Empty(ResumeCompatibility.Differences(config, again));
        Assert.Equal(json, ConfigLoader.ToJson(ConfigLoader.FromJson(json)));
        Assert.Equal(1.0, again.Loss.TrainedTerms[1].Focal.Gamma);
    }

    /// <summary>A loss option record added to the section but not to a term (or not copied by the shorthand) fails here.</summary>
    [Fact]
    public void ATermHasEveryOptionRecordOfTheSectionAndTheShorthandPassesThemOn()
    {
        var section = JsonFlattening.FlattenedProperties(typeof(LossConfig)).Where(p => p.PropertyType.IsAssignableTo(typeof(LossOptions))).ToArray();
        var term = JsonFlattening.FlattenedProperties(typeof(LossTerm)).ToArray();
        Assert.Equal(section.Select(p => (p.Name, p.PropertyType)), term.Select(p => (p.Name, p.PropertyType)));
        var loss = ConfigLoader.FromJson("{" + OldLossSection + "}").Loss;
        var shorthand = LossTerm.Of(loss, LossKind.Dice, 0.5);
        foreach (var record in term)
            Assert.Same(section.Single(p => p.Name == record.Name).GetValue(loss), record.GetValue(shorthand));
        Assert.Equal(term.Select(p => p.GetValue(shorthand)), shorthand.Options);
    }

    /// <summary>The loss section of a config.json written before loss.terms existed (plus_kind run).</summary>
    private const string OldLossSection = """
        "loss": {
          "kind": "recall", "ema_alpha": 0.5, "gamma": 2, "beta": 0.9999, "keep": 0.7, "ldam_max_margin": 0.5, "ldam_scale": 30,
          "aux_weight": 0.4, "drw_start": 0.8, "tversky_alpha": 0.5, "tversky_beta": 0.5, "ohem_threshold": null, "ohem_min_kept": 0,
          "focal_alpha": null, "loss_weight": 2, "plus_kind": "dice", "plus_loss_weight": 0.5, "tau": 1, "seesaw_p": 0.8, "seesaw_q": 2,
          "recall_blend": null, "recall_blend_fixed": "class_balanced", "pixel_sampler": "none", "sampler_thresh": null, "sampler_min_kept": 100000
        }
        """;

    [Fact]
    public void AConfigWrittenBeforeTermsStillLoadsAsItsTwoTerms()
    {
        var recorded = ConfigLoader.FromJson("{" + OldLossSection + "}");
        var loaded = ConfigLoader.Load(Write("{" + OldLossSection + "}"));
        Assert.Empty(ResumeCompatibility.Differences(recorded, loaded)); // resuming the old run with its own file is allowed
        Assert.Null(loaded.Loss.Terms);
        Assert.Equal(new[] { (LossKind.Recall, 2.0), (LossKind.Dice, 0.5) }, loaded.Loss.TrainedTerms.Select(t => (t.Kind, t.Weight)));
        Assert.All(loaded.Loss.TrainedTerms, t => Assert.Equal(0.5, t.Metric.EmaAlpha));
    }
}
