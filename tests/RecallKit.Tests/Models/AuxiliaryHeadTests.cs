using RecallKit.Losses;
using RecallKit.Tests.Support;
using RecallKit.Vision.Models;
using RecallKit.Vision.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Models;

[Collection(nameof(GlobalTorchState))]
public class AuxiliaryHeadTests
{
    [Fact]
    public void TheAuxiliaryHeadReadsLayer3AndGivesLogitsAtTheInputSize()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var model = new DeepLabV3Plus(5, ResNetDepth.ResNet18, auxiliary_head: true);
        model.eval();
        var images = randn(2, 3, 40, 56, generator: Support.Seeded.Generator(4));
        var (logits, auxiliary) = model.ForwardWithAuxiliary(images);
        Assert.Equal([2L, 5, 40, 56], logits.shape);
        Assert.Equal([2L, 5, 40, 56], auxiliary.shape);
        Assert.True(model.call(images).equal(logits).all().item<bool>()); // forward ignores the auxiliary head
        var state = model.state_dict();
        Assert.Equal([256L, 256, 3, 3], state["aux_head.conv.conv.weight"].shape); // ResNet-18 layer3: 256 channels → 256
        Assert.Equal([5L, 256, 1, 1], state["aux_head.classifier.weight"].shape);
        Assert.True(state.ContainsKey("aux_head.conv.bn.running_mean"));
    }

    [Fact]
    public void WithoutTheOptionTheStateKeysAreThoseOfBefore()
    {
        using var plain = new DeepLabV3Plus(5, ResNetDepth.ResNet18);
        using var auxiliary = new DeepLabV3Plus(5, ResNetDepth.ResNet18, auxiliary_head: true);
        var plainKeys = plain.state_dict().Keys.ToArray();
        Assert.DoesNotContain(plainKeys, k => k.StartsWith("aux_head.", StringComparison.Ordinal));
        Assert.Equal(plainKeys, auxiliary.state_dict().Keys.Where(k => !k.StartsWith("aux_head.", StringComparison.Ordinal)).ToArray());
        Assert.Throws<InvalidOperationException>(() => plain.ForwardWithAuxiliary(zeros(1, 3, 32, 32)));
        var e = Assert.Throws<ArgumentException>(() => SegmentationModels.Create(Architecture.LiteSeg, 3, auxiliary_head: true));
        Assert.Contains("model.aux_head needs a deeplabv3plus_* architecture", e.Message);
    }

    [Fact]
    public void TheTotalLossIsMainPlusWeightTimesAuxiliary()
    {
        using var scope = NewDisposeScope();
        // one pixel of class 0: main logits (0, 0) → CE ln 2; auxiliary logits (0, ln 3) → p0 = 1/4, CE ln 4
        var labels = tensor(new long[] { 0 }).reshape(1, 1, 1);
        var main = tensor(new float[] { 0, 0 }).reshape(1, 2, 1, 1);
        var aux = tensor(new float[] { 0, MathF.Log(3) }).reshape(1, 2, 1, 1);
        using var loss = new AuxiliaryLoss(new CrossEntropy(2), new CrossEntropy(2), 0.4);
        Assert.Equal(Math.Log(2) + 0.4 * Math.Log(4), loss.Compute(main, aux, labels).item<float>(), 5);
    }

    [Fact]
    public void TheAuxiliaryRecallLossKeepsItsOwnCounts()
    {
        using var scope = NewDisposeScope();
        var labels = tensor(new long[] { 0, 1 }).reshape(1, 1, 2);
        var right = tensor(new float[] { 5, -5, -5, 5 }).reshape(1, 2, 1, 2); // pixel 0 → class 0, pixel 1 → class 1
        var wrong = right.flip(1);
        using var main = new RecallCrossEntropy(2);
        using var auxiliary = new RecallCrossEntropy(2);
        using var loss = new AuxiliaryLoss(main, auxiliary, 0.4);
        loss.Compute(right, wrong, labels);
        Assert.Equal([0.0, 0.0], main.last_weights.data<double>().ToArray());      // main head: recall 1 for both classes
        Assert.Equal([1.0, 1.0], auxiliary.last_weights.data<double>().ToArray()); // auxiliary head: recall 0
        Assert.Contains("main." + main.RunningBufferName, loss.state_dict().Keys);      // both heads' EMA state is checkpointed
        Assert.Contains("auxiliary." + auxiliary.RunningBufferName, loss.state_dict().Keys);
    }
}
