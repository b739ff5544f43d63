using RecallKit.Tests.Support;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Models;
using RecallKit.Vision.Segmentation;
using RecallKit.Vision.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Training;

[Collection(nameof(GlobalTorchState))]
public sealed class AuxiliaryHeadTrainingTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-aux-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private TrainingResult TrainOneStep(string name, double headLrMult, bool auxiliaryHead, out int backboneTensors, out int allTensors)
    {
        var config = TinyTraining.Config(Path.Combine(dir, name), iterations: 1) with
        {
            Model = new ModelConfig { Architecture = Architecture.DeepLabV3PlusResNet18, AuxHead = auxiliaryHead },
            Optimizer = new OptimizerConfig { Kind = OptimizerKind.Sgd, LearningRate = 0.01, HeadLrMult = headLrMult },
        };
        manual_seed(3);
        using var model = new DeepLabV3Plus(ColourCodedBatches.Classes, ResNetDepth.ResNet18, auxiliary_head: auxiliaryHead);
        backboneTensors = model.Backbone.parameters().Count();
        allTensors = model.parameters().Count();
        using var loss = new RecallKit.Losses.CrossEntropy(ColourCodedBatches.Classes, 255);
        using var auxiliaryLoss = auxiliaryHead ? new AuxiliaryLoss(loss, new RecallKit.Losses.CrossEntropy(ColourCodedBatches.Classes, 255), 0.4) : null;
        var task = new SegmentationTask(model, loss, ColourCodedBatches.ClassNames, auxiliaryLoss);
        return new Trainer(config, task, new ColourCodedBatches(4, 2, 32, 32, 1), new ColourCodedBatches(2, 2, 32, 32, 2), TextWriter.Null).Run(resume: false);
    }

    [Fact]
    public void HeadLrMultRaisesTheRateOfEverythingButTheBackbone()
    {
        var result = TrainOneStep("mult", 10, auxiliaryHead: true, out int backbone, out int all);
        Assert.Equal(2, result.OptimizerGroups.Count);
        Assert.Equal(new OptimizerGroupState("backbone", backbone, 0.01), result.OptimizerGroups[0]);
        Assert.Equal("head", result.OptimizerGroups[1].Name);
        Assert.Equal(all - backbone, result.OptimizerGroups[1].Tensors); // ASPP, decoder, classifier and the auxiliary head
        Assert.Equal(0.1, result.OptimizerGroups[1].LearningRate, 12);
    }

    [Fact]
    public void WithoutAMultiplierThereIsOneGroup()
    {
        var result = TrainOneStep("plain", 1, auxiliaryHead: false, out _, out int all);
        Assert.Equal([new OptimizerGroupState("all", all, 0.01)], result.OptimizerGroups);
    }

    [Fact]
    public void ATrainingCheckpointWithAnAuxiliaryHeadEvaluatesAndExportsWithoutIt()
    {
        var run = TrainOneStep("aux", 10, auxiliaryHead: true, out _, out _);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var trained = TrainedModel.Load(Path.Combine(run.Directory, "last.ckpt"));
        Assert.True(((DeepLabV3Plus)trained.Network).HasAuxiliaryHead);
        var exported = Path.Combine(dir, "inference.ckpt");
        trained.Export(exported);

        using var inference = TrainedModel.Load(exported);
        Assert.False(inference.Config.Model.AuxHead);
        Assert.DoesNotContain(inference.Network.state_dict().Keys, k => k.StartsWith("aux_head.", StringComparison.Ordinal));
        var images = randn(1, 3, 32, 32, generator: Support.Seeded.Generator(5));
        Assert.True(trained.Network.call(images).equal(inference.Network.call(images)).all().item<bool>());
    }

    [Fact]
    public void InitFromIgnoresAnAuxiliaryHeadTheModelLacksAndKeepsAMissingOneFresh()
    {
        var withAux = TrainOneStep("with", 1, auxiliaryHead: true, out _, out _);
        var without = TrainOneStep("without", 1, auxiliaryHead: false, out _, out _);
        using (var plain = new DeepLabV3Plus(ColourCodedBatches.Classes, ResNetDepth.ResNet18))
        {
            var report = SegmentationInitialisation.Apply(plain, Path.Combine(withAux.Directory, "last.ckpt"), Architecture.DeepLabV3PlusResNet18,
                ColourCodedBatches.ClassNames, TextWriter.Null);
            Assert.Equal(plain.state_dict().Count, report.Loaded.Count);
        }
        using var auxiliary = new DeepLabV3Plus(ColourCodedBatches.Classes, ResNetDepth.ResNet18, auxiliary_head: true);
        var fresh = SegmentationInitialisation.Apply(auxiliary, Path.Combine(without.Directory, "last.ckpt"), Architecture.DeepLabV3PlusResNet18,
            ColourCodedBatches.ClassNames, TextWriter.Null);
        Assert.NotEmpty(fresh.Reinitialised);
        Assert.All(fresh.Reinitialised, k => Assert.StartsWith("aux_head.", k));
        Assert.Equal(auxiliary.state_dict().Keys.Count(k => k.StartsWith("aux_head.", StringComparison.Ordinal)), fresh.Reinitialised.Count);
    }
}
