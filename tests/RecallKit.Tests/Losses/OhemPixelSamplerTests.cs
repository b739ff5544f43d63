using System.Text.Json;
using RecallKit.Losses;
using RecallKit.Tests.Support;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Losses;

/// <summary>
/// loss.pixel_sampler = ohem: the kept positions against a re-implementation of mmsegmentation's <c>OHEMPixelSampler.sample</c>
/// run in Debian's PyTorch (threshold and loss ranking, ignored positions), the wrapped recall loss by hand, errors and config.
/// </summary>
public class OhemPixelSamplerTests
{
    private const long Ignore = 255;

    /// <summary>mmseg/structures/sampler/ohem_pixel_sampler.py's sample(), with the context's loss given as per-position values.</summary>
    private const string Script = """
        import json, sys
        import torch
        import torch.nn.functional as F


        def sample(seg_logit, seg_label, thresh, min_kept, ignore_index, losses):
            with torch.no_grad():
                assert seg_logit.shape[2:] == seg_label.shape[2:]
                assert seg_label.shape[1] == 1
                seg_label = seg_label.squeeze(1).long()
                batch_kept = min_kept * seg_label.size(0)
                valid_mask = seg_label != ignore_index
                seg_weight = seg_logit.new_zeros(size=seg_label.size())
                valid_seg_weight = seg_weight[valid_mask]
                if thresh is not None:
                    seg_prob = F.softmax(seg_logit, dim=1)
                    tmp_seg_label = seg_label.clone().unsqueeze(1)
                    tmp_seg_label[tmp_seg_label == ignore_index] = 0
                    seg_prob = seg_prob.gather(1, tmp_seg_label).squeeze(1)
                    sort_prob, sort_indices = seg_prob[valid_mask].sort()
                    if sort_prob.numel() > 0:
                        min_threshold = sort_prob[min(batch_kept, sort_prob.numel() - 1)]
                    else:
                        min_threshold = 0.0
                    threshold = max(min_threshold, thresh)
                    valid_seg_weight[seg_prob[valid_mask] < threshold] = 1.
                else:
                    _, sort_indices = losses[valid_mask].sort(descending=True)
                    valid_seg_weight[sort_indices[:batch_kept]] = 1.
                seg_weight[valid_mask] = valid_seg_weight
                return seg_weight


        with open(sys.argv[1]) as f:
            cases = json.load(f)
        out = []
        for c in cases:
            dtype = torch.float64 if c['dtype'] == 'float64' else torch.float32
            logits = torch.tensor(c['logits'], dtype=dtype).reshape(c['shape'])
            labels = torch.tensor(c['labels'], dtype=torch.int64).reshape([c['shape'][0], 1] + c['shape'][2:])
            losses = torch.tensor(c['losses'], dtype=dtype).reshape([c['shape'][0]] + c['shape'][2:])
            out.append(sample(logits, labels, c['thresh'], c['min_kept'], c['ignore_index'], losses).double().flatten().tolist())
        print(json.dumps(out))
        """;

    private sealed record Case(ScalarType Dtype, double? Thresh, long MinKept, double IgnoreFraction, int Seed);

    private static readonly Case[] Cases =
    [
        new(ScalarType.Float64, 0.7, 5, 0.2, 1),   // threshold above min_kept's probability: every p_y < 0.7 kept
        new(ScalarType.Float64, 0.05, 6, 0.2, 2),  // threshold below: the min_kept·N least confident
        new(ScalarType.Float32, 0.6, 4, 0.1, 3),
        new(ScalarType.Float64, null, 7, 0.2, 4),  // ranked by loss
        new(ScalarType.Float32, null, 3, 0.3, 5),
        new(ScalarType.Float64, 0.5, 1000, 0.2, 6), // min_kept beyond the valid positions
    ];

    private static (Tensor input, Tensor target, Tensor losses) Inputs(Case c)
    {
        var (input, target) = Tensors.Random([2, 4, 5, 6], Ignore, c.IgnoreFraction, c.Seed);
        input = input.detach().to_type(c.Dtype);
        using var recall = new RecallCrossEntropy(4, ignore_index: Ignore, reduction: nn.Reduction.None);
        return (input, target, recall.call(input, target).detach());
    }

    [Fact]
    public async Task KeptPositionsMatchMmsegmentationsOhemPixelSampler()
    {
        if (await PythonTorch.ProblemAsync() is { } problem) Assert.Skip(problem);
        var inputs = Cases.Select(Inputs).ToArray();
        var json = Cases.Select((c, k) => new
        {
            dtype = c.Dtype == ScalarType.Float64 ? "float64" : "float32",
            shape = inputs[k].input.shape,
            logits = inputs[k].input.ToDoubles(),
            labels = inputs[k].target.ToDoubles().Select(v => (long)v).ToArray(),
            losses = inputs[k].losses.ToDoubles(),
            thresh = c.Thresh, min_kept = c.MinKept, ignore_index = Ignore,
        }).ToArray();
        var directory = Directory.CreateTempSubdirectory("recallkit-ohem-").FullName;
        try
        {
            var script = Path.Combine(directory, "ohem_reference.py");
            var file = Path.Combine(directory, "cases.json");
            await File.WriteAllTextAsync(script, Script, TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(file, JsonSerializer.Serialize(json), TestContext.Current.CancellationToken);
            var (code, stdout, stderr) = await PythonTorch.RunAsync(script, [file], TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
            Assert.True(code == 0, stderr);
            var reference = JsonDocument.Parse(stdout).RootElement;
            for (int k = 0; k < Cases.Length; k++)
            {
                using var scope = NewDisposeScope();
                var expected = reference[k].EnumerateArray().Select(v => v.GetDouble()).ToArray();
                var (input, target, losses) = inputs[k];
                var actual = functional.ohem_pixel_weights(input, target, Cases[k].Thresh, Cases[k].MinKept, Ignore, losses).ToDoubles();
                Assert.Equal(expected, actual);
                Assert.InRange(expected.Sum(), 1, expected.Length - 1); // neither nothing nor everything: the case selects
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(null)]
    public void RecallWithOhemIsTheMeanOfTheKeptRecallWeightedLossesWithWeightsFromEveryValidPosition(double? thresh)
    {
        var (input, target) = Tensors.Random([2, 4, 4, 4], Ignore, 0.2, seed: 12);
        var (rows, targets) = ReferenceLoss.Flatten(input, target);
        var (tp, _, fn) = ReferenceLoss.Counts(rows, targets, 4, Ignore);
        var per = rows.Select((r, i) => targets[i] == Ignore ? 0
            : (tp[targets[i]] + fn[targets[i]] > 0 ? 1 - tp[targets[i]] / (tp[targets[i]] + fn[targets[i]]) : 0) * ReferenceLoss.CrossEntropy(r, targets[i])).ToArray();
        using var recall = new RecallCrossEntropy(4, ignore_index: Ignore, reduction: nn.Reduction.None);
        var keep = functional.ohem_pixel_weights(input.detach(), target, thresh, 5, Ignore, recall.call(input.detach(), target)).ToDoubles();
        int valid = targets.Count(t => t != Ignore);
        Assert.InRange(keep.Sum(), 10, valid - 1); // min_kept 5 per image, fewer than every valid position
        double expected = per.Select((v, i) => v * keep[i]).Sum() / keep.Sum();

        using var sampled = new OhemPixelSampler(4, new RecallCrossEntropy(4, ignore_index: Ignore, reduction: nn.Reduction.None), thresh, 5, Ignore);
        var value = sampled.call(input, target);
        Assert.Equal(expected, value.Scalar(), 12);
        value.backward();
        Assert.Contains(input.grad!.ToDoubles(), g => g != 0);
        Assert.NotNull(sampled.applied_class_weights());

        using var none = new OhemPixelSampler(4, new RecallCrossEntropy(4, ignore_index: Ignore, reduction: nn.Reduction.None), thresh, 5, Ignore, nn.Reduction.None);
        Tensors.AllClose(per.Select((v, i) => v * keep[i]).ToArray(), none.call(input, target).ToDoubles(), 1e-12);
    }

    [Fact]
    public void BadArgumentsAndLossesWithoutPerPositionValuesAreRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => new OhemPixelSampler(4, new CrossEntropy(4)));
        Assert.Contains("reduction None", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new OhemPixelSampler(4, new CrossEntropy(4, reduction: nn.Reduction.None), thresh: 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OhemPixelSampler(4, new CrossEntropy(4, reduction: nn.Reduction.None), min_kept: -1));
        var (input, target) = Tensors.Random([2, 4, 3, 3], Ignore, 0.2, seed: 1);
        using var setLoss = new OhemPixelSampler(4, new SoftIoULoss(4, ignore_index: Ignore, reduction: nn.Reduction.None), 0.7, ignore_index: Ignore);
        Assert.Contains("one loss per position", Assert.Throws<ArgumentException>(() => setLoss.call(input, target)).Message);
        Assert.Contains("per_position_loss", Assert.Throws<ArgumentException>(() => functional.ohem_pixel_weights(input, target, null, 5, Ignore)).Message);
    }

    [Fact]
    public void TheConfigWrapsTheConfiguredLossesAndRejectsTheSamplerKeysWhereTheyAreNotRead()
    {
        var config = ConfigLoader.Load(null, ["loss.kind=recall", "loss.plus_kind=dice", "loss.pixel_sampler=ohem", "loss.sampler_thresh=0.7", "loss.sampler_min_kept=1000"]);
        var loss = Assert.IsType<OhemPixelSampler>(LossFactory.Create(config.Loss, 3, 255, null));
        Assert.Equal((0.7, 1000L), (loss.thresh, loss.min_kept));
        var (input, target) = Tensors.Random([1, 3, 2, 2], Ignore, 0, seed: 3);
        Assert.Equal(0, loss.call(input, target).dim());

        foreach (var (overrides, message) in new (string[], string)[]
        {
            (["loss.sampler_thresh=0.7"], "loss.sampler_thresh = 0.7 has no effect here"),
            (["loss.sampler_min_kept=10"], "loss.sampler_min_kept = 10 has no effect here"),
            (["data.kind=fashion_mnist_lt", "model.architecture=small_cnn", "loss.pixel_sampler=ohem"], "loss.pixel_sampler = \"ohem\" has no effect here"),
            (["loss.pixel_sampler=ohem", "loss.sampler_thresh=1.2"], "loss.sampler_thresh = 1.2 is invalid"),
            (["loss.pixel_sampler=ohem", "loss.kind=lovasz"], "loss.pixel_sampler = ohem is invalid"),
            (["loss.pixel_sampler=ohem", "loss.plus_kind=soft_iou"], "loss.pixel_sampler = ohem is invalid"),
        })
        {
            var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(null, overrides));
            Assert.Contains(message, e.Message);
        }
    }
}
