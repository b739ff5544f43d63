using System.CommandLine;
using RecallKit.Vision.Data.Synthetic;

namespace RecallKit.Cli.Commands;

/// <summary><c>recallkit data synth --out DIR --train N --val M --size WxH --seed S</c>.</summary>
internal static class DataCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Output directory.", Required = true };
        var train = new Option<int>("--train") { Description = "Training scenes.", DefaultValueFactory = _ => 300 };
        var val = new Option<int>("--val") { Description = "Validation scenes.", DefaultValueFactory = _ => 60 };
        var size = new Option<string>("--size") { Description = "Scene size WxH.", DefaultValueFactory = _ => "192x96" };
        var seed = new Option<int>("--seed") { Description = "Generator seed.", DefaultValueFactory = _ => 7 };
        var synth = new Command("synth", "Generate the synthetic driving scenes (generic folder layout) and print class frequencies.")
            { output, train, val, size, seed };
        synth.SetAction(r => CliErrors.Run(() =>
        {
            var parts = r.GetValue(size)!.ToLowerInvariant().Split('x');
            if (parts.Length != 2 || !int.TryParse(parts[0], out var w) || !int.TryParse(parts[1], out var h))
                throw new ArgumentException($"--size must look like 192x96, got '{r.GetValue(size)}'.");
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var frequencies = SyntheticScenes.Generate(r.GetValue(output)!, r.GetValue(train), r.GetValue(val), w, h, r.GetValue(seed));
            File.WriteAllText(Path.Combine(r.GetValue(output)!, "frequencies.md"), frequencies.ToTable());
            Console.WriteLine(frequencies.ToTable());
            Console.WriteLine($"wrote {r.GetValue(train)} + {r.GetValue(val)} scenes to {r.GetValue(output)} in {watch.Elapsed.TotalSeconds:F1} s");
            return 0;
        }));
        return new Command("data", "Dataset tools.") { synth };
    }
}
