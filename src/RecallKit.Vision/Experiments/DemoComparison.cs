using System.Text.Json.Nodes;

namespace RecallKit.Vision.Experiments;

/// <summary>
/// The comparison <c>recallkit demo</c> runs (also written as experiments/synthetic.json): the small segmentation network on the
/// synthetic scenes with cross-entropy, recall cross-entropy and class-balanced cross-entropy (β auto) under one schedule.
/// </summary>
public static class DemoComparison
{
    /// <summary>The demo's comparison.</summary>
    /// <param name="output">Where the runs and the report go.</param>
    /// <param name="data">Where the synthetic scenes are generated.</param>
    /// <param name="iterations">Training steps per loss.</param>
    /// <param name="seeds">Seeds (mean ± std over several).</param>
    public static ComparisonConfig Create(string output, string data, int iterations, IReadOnlyList<int> seeds)
    {
        var baseConfig = new JsonObject
        {
            ["data"] = new JsonObject { ["kind"] = "synthetic", ["root"] = data, ["crop_width"] = 192, ["crop_height"] = 96, ["batch_size"] = 8 },
            ["model"] = new JsonObject { ["architecture"] = "lite_seg" },
            ["optimizer"] = new JsonObject { ["kind"] = "adam", ["learning_rate"] = 2e-3 },
            ["schedule"] = new JsonObject
            {
                ["iterations"] = iterations,
                ["eval_every"] = Math.Max(1, iterations / 3),
                ["log_every"] = Math.Max(1, Math.Min(25, iterations / 10)),
                ["checkpoint_every"] = Math.Max(1, Math.Min(250, iterations / 3)),
            },
        };
        return new ComparisonConfig(output, seeds.ToArray(), baseConfig,
        [
            new ComparisonVariant("ce", ["loss.kind=cross_entropy"]),
            new ComparisonVariant("recall", ["loss.kind=recall"]),
            new ComparisonVariant("class-balanced", ["loss.kind=class_balanced", "loss.beta=null"]),
        ]);
    }
}
