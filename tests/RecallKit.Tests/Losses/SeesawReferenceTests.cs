using System.Text.Json;
using RecallKit.Losses;
using RecallKit.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Tests.Losses;

/// <summary>
/// <see cref="SeesawLoss"/> against an independent re-implementation of open-mmlab/mmpretrain's
/// <c>mmpretrain/models/losses/seesaw_loss.py</c> run in Debian's PyTorch: loss values, gradients and <c>cum_samples</c> over
/// several consecutive training steps of long-tailed labels (so the mitigation factor changes from step to step).
/// </summary>
public class SeesawReferenceTests
{
    private const long Ignore = 255;
    private const int Classes = 5;
    private const int Steps = 5;

    /// <summary>mmpretrain's seesaw_ce_loss and SeesawLoss.forward, rewritten without mmpretrain (weight = ones, avg_factor = None).</summary>
    private const string Script = """
        import json, sys
        import torch
        import torch.nn.functional as F


        def seesaw_ce_loss(cls_score, labels, weight, cum_samples, num_classes, p, q, eps, reduction):
            assert cls_score.size(-1) == num_classes
            assert len(cum_samples) == num_classes
            onehot_labels = F.one_hot(labels, num_classes)
            seesaw_weights = cls_score.new_ones(onehot_labels.size())
            if p > 0:
                sample_ratio_matrix = cum_samples[None, :].clamp(min=1) / cum_samples[:, None].clamp(min=1)
                index = (sample_ratio_matrix < 1.0).float()
                sample_weights = sample_ratio_matrix.pow(p) * index + (1 - index)
                mitigation_factor = sample_weights[labels.long(), :]
                seesaw_weights = seesaw_weights * mitigation_factor
            if q > 0:
                scores = F.softmax(cls_score.detach(), dim=1)
                self_scores = scores[torch.arange(0, len(scores)).to(scores.device).long(), labels.long()]
                score_matrix = scores / self_scores[:, None].clamp(min=eps)
                index = (score_matrix > 1.0).float()
                compensation_factor = score_matrix.pow(q) * index + (1 - index)
                seesaw_weights = seesaw_weights * compensation_factor
            cls_score = cls_score + (seesaw_weights.log() * (1 - onehot_labels))
            loss = F.cross_entropy(cls_score, labels, weight=None, reduction='none')
            loss = loss * weight.float()  # mmpretrain's weight_reduce_loss
            if reduction == 'mean':
                return loss.mean()
            if reduction == 'sum':
                return loss.sum()
            return loss


        class SeesawLoss(torch.nn.Module):
            def __init__(self, p, q, num_classes, eps, reduction, dtype):
                super().__init__()
                self.p, self.q, self.num_classes, self.eps, self.reduction = p, q, num_classes, eps, reduction
                # mmpretrain registers float32; the float64 cases keep the counts in the logits' dtype (integers: exact in both)
                self.register_buffer('cum_samples', torch.zeros(num_classes, dtype=dtype))

            def forward(self, cls_score, labels):
                unique_labels = labels.unique()
                for u_l in unique_labels:
                    inds_ = labels == u_l.item()
                    self.cum_samples[u_l] += inds_.sum()
                weight = labels.new_ones(labels.size(), dtype=torch.float)
                return seesaw_ce_loss(cls_score, labels, weight, self.cum_samples, self.num_classes, self.p, self.q, self.eps, self.reduction)


        with open(sys.argv[1]) as f:
            cases = json.load(f)
        results = []
        for case in cases:
            dtype = torch.float64 if case['dtype'] == 'float64' else torch.float32
            loss_fn = SeesawLoss(case['p'], case['q'], case['num_classes'], case['eps'], case['reduction'], dtype)
            steps = []
            for step in case['steps']:
                logits = torch.tensor(step['logits'], dtype=dtype).requires_grad_(True)
                labels = torch.tensor(step['labels'], dtype=torch.int64)
                loss = loss_fn(logits, labels)
                cotangent = torch.tensor(step['cotangent'], dtype=dtype).reshape(loss.shape)
                (loss * cotangent).sum().backward()
                steps.append({'loss': loss.detach().double().flatten().tolist(), 'grad': logits.grad.double().flatten().tolist(),
                              'cum_samples': loss_fn.cum_samples.double().tolist()})
            results.append(steps)
        print(json.dumps(results))
        """;

    private sealed record Case(string Name, ScalarType Dtype, double P, double Q, double Eps, nn.Reduction Reduction, double Tolerance);

    private static readonly Case[] Cases =
    [
        new("mean float64", ScalarType.Float64, 0.8, 2.0, 0.01, nn.Reduction.Mean, 1e-12),
        new("sum float64, other p q eps", ScalarType.Float64, 0.5, 1.5, 0.05, nn.Reduction.Sum, 1e-12),
        new("none float64, mitigation only", ScalarType.Float64, 0.8, 0, 0.01, nn.Reduction.None, 1e-12),
        new("none float64, compensation only", ScalarType.Float64, 0, 2.0, 0.01, nn.Reduction.None, 1e-12),
        new("mean float32", ScalarType.Float32, 0.8, 2.0, 0.01, nn.Reduction.Mean, 2e-5),
    ];

    /// <summary>Five steps of 24 logits with long-tailed labels (class 4 absent at first), a fifth of them ignored.</summary>
    private static List<(Tensor logits, Tensor labels, Tensor cotangent)> Batches(ScalarType dtype)
    {
        var generator = Seeded.Generator(29);
        var probabilities = tensor(new double[] { 0.55, 0.25, 0.12, 0.06, 0.02 });
        var batches = new List<(Tensor, Tensor, Tensor)>();
        for (int step = 0; step < Steps; step++)
        {
            using var scale = 3.0.ToScalar();
            var logits = randn(24, Classes, dtype: ScalarType.Float64, generator: generator).mul(scale).to_type(dtype);
            var labels = multinomial(probabilities, 24, replacement: true, generator: generator);
            using var three = 3.ToScalar();
            if (step == 0) labels = labels.clamp_max(three);
            using var fifth = 0.2.ToScalar();
            using var ignore = Ignore.ToScalar();
            labels = labels.masked_fill(rand(24, dtype: ScalarType.Float64, generator: generator).lt(fifth), ignore);
            var cotangent = rand(24, dtype: ScalarType.Float64, generator: generator).to_type(dtype);
            batches.Add((logits, labels, cotangent));
        }
        return batches;
    }

    [Fact]
    public async Task SeesawMatchesMmpretrainsSeesawLossInValuesGradientsAndCumulativeSamplesOverSeveralSteps()
    {
        if (await PythonTorch.ProblemAsync() is { } problem) Assert.Skip(problem);
        var batches = Cases.ToDictionary(c => c.Name, c => Batches(c.Dtype));
        // The reference has no ignore_index: it is given the valid rows only, which is what the loss must compute.
        var json = Cases.Select(c => new
        {
            dtype = c.Dtype == ScalarType.Float64 ? "float64" : "float32",
            p = c.P, q = c.Q, eps = c.Eps, num_classes = Classes,
            reduction = c.Reduction.ToString().ToLowerInvariant(),
            steps = batches[c.Name].Select(b =>
            {
                var valid = Valid(b.labels);
                var rows = b.logits.ToDoubles().Chunk(Classes).Where((_, i) => valid[i]).ToArray();
                var cotangent = c.Reduction == nn.Reduction.None ? b.cotangent.ToDoubles().Where((_, i) => valid[i]).ToArray() : [1.0];
                return new { logits = rows, labels = b.labels.ToDoubles().Where((_, i) => valid[i]).Select(v => (long)v).ToArray(), cotangent };
            }).ToArray(),
        }).ToArray();
        var directory = Directory.CreateTempSubdirectory("recallkit-seesaw-").FullName;
        try
        {
            var script = Path.Combine(directory, "seesaw_reference.py");
            var input = Path.Combine(directory, "cases.json");
            await File.WriteAllTextAsync(script, Script, TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(input, JsonSerializer.Serialize(json), TestContext.Current.CancellationToken);
            var (code, stdout, stderr) = await PythonTorch.RunAsync(script, [input], TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
            Assert.True(code == 0, stderr);
            var reference = JsonDocument.Parse(stdout).RootElement;

            for (int k = 0; k < Cases.Length; k++)
            {
                var c = Cases[k];
                using var loss = new SeesawLoss(Classes, c.P, c.Q, c.Eps, Ignore, c.Reduction);
                for (int step = 0; step < Steps; step++)
                {
                    using var scope = NewDisposeScope();
                    var (logits, labels, cotangent) = batches[c.Name][step];
                    var expected = reference[k][step];
                    var valid = Valid(labels);
                    var x = logits.detach().clone().requires_grad_(true);
                    var value = loss.call(x, labels);
                    Assert.Equal(c.Dtype, value.dtype);
                    var where = $"{c.Name}, step {step}";
                    Tensors.AllClose(Doubles(expected, "cum_samples"), loss.cum_samples.ToDoubles(), 0);
                    var values = c.Reduction == nn.Reduction.None ? value.ToDoubles().Where((_, i) => valid[i]).ToArray() : value.ToDoubles();
                    AllClose(Doubles(expected, "loss"), values, c.Tolerance, where + ", loss");
                    if (c.Reduction == nn.Reduction.None)
                    {
                        Assert.All(value.ToDoubles().Where((_, i) => !valid[i]), v => Assert.Equal(0.0, v));
                        (value * cotangent).sum().backward();
                    }
                    else
                    {
                        value.backward();
                    }
                    var rows = x.grad!.ToDoubles().Chunk(Classes).ToArray();
                    Assert.All(rows.Where((_, i) => !valid[i]), r => Assert.All(r, g => Assert.Equal(0.0, g)));
                    AllClose(Doubles(expected, "grad"), rows.Where((_, i) => valid[i]).SelectMany(r => r).ToArray(), c.Tolerance, where + ", gradient");
                }
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static bool[] Valid(Tensor labels) => labels.ToDoubles().Select(v => v != Ignore).ToArray();

    private static double[] Doubles(JsonElement element, string name) => element.GetProperty(name).EnumerateArray().Select(v => v.GetDouble()).ToArray();

    private static void AllClose(double[] expected, double[] actual, double tolerance, string where)
    {
        Assert.True(expected.Length == actual.Length, $"{where}: {expected.Length} reference values, {actual.Length} here");
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"{where}, element {i}: mmpretrain {expected[i]:R}, RecallKit {actual[i]:R}");
    }
}
