using System.CommandLine;
using RecallKit.Vision.Data.Classification;
using RecallKit.Vision.Data.FashionScenes;
using RecallKit.Vision.Data.Synthetic;

namespace RecallKit.Cli.Commands;

/// <summary>
/// <c>recallkit data synth --out DIR --train N --val M --size WxH --seed S [--confusability P]</c> and
/// <c>recallkit data fashion-scenes --out DIR --train N --val M --size WxH --seed S [--source DIR]</c>.
/// </summary>
internal static class DataCommand
{
    public static Command Create() => new("data", "Dataset tools.") { DataCheckCommand.Create(), Synth(), FashionScenes() };

    private static Command Synth()
    {
        var (output, train, val, size, seed) = CommonOptions(300, 60, "192x96");
        var confusability = new Option<double>("--confusability")
        {
            Description = "Probability in [0, 1] that a pedestrian, bicycle or sign is painted in its background's colour (default 0: the built-in scenes).",
        };
        var layout = new Option<string>("--layout")
        {
            Description = "folder (default: dataset.json, images/, labels/) or voc (JPEGImages/, palette SegmentationClass/, ImageSets/Segmentation lists, labelmap.txt).",
            DefaultValueFactory = _ => "folder",
        };
        layout.AcceptOnlyFromAmong("folder", "voc");
        var synth = new Command("synth", "Generate the synthetic driving scenes and print class frequencies.")
            { output, train, val, size, seed, confusability, layout };
        synth.SetAction(r => CliErrors.Run(() =>
        {
            var (w, h) = ParseSize(r.GetValue(size)!);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            bool voc = r.GetValue(layout) == "voc";
            var folder = voc ? Path.Combine(r.GetValue(output)!, ".folder-layout") : r.GetValue(output)!;
            var frequencies = SyntheticScenes.Generate(folder, r.GetValue(train), r.GetValue(val), w, h, r.GetValue(seed), r.GetValue(confusability));
            if (voc)
            {
                Vision.Data.Layouts.VocExport.Write(folder, r.GetValue(output)!, ["train", "val"]);
                Directory.Delete(folder, recursive: true);
            }
            File.WriteAllText(Path.Combine(r.GetValue(output)!, "frequencies.md"), frequencies.ToTable());
            Console.WriteLine(frequencies.ToTable());
            Console.WriteLine($"wrote {r.GetValue(train)} + {r.GetValue(val)} scenes to {r.GetValue(output)} in {watch.Elapsed.TotalSeconds:F1} s");
            return 0;
        }));
        return synth;
    }

    private static Command FashionScenes()
    {
        var (output, train, val, size, seed) = CommonOptions(1000, 500, "128x128");
        var source = new Option<string>("--source")
            { Description = "Directory holding the Fashion-MNIST IDX files.", DefaultValueFactory = _ => FashionMnist.DefaultDirectory };
        var command = new Command("fashion-scenes",
            "Generate scenes of real Fashion-MNIST garments on textured backgrounds (training scenes from the training split, validation scenes from the test split; "
            + "long-tailed classes, shirt rarest) in the generic folder layout, and print class frequencies.")
            { output, train, val, size, seed, source };
        command.SetAction(r => CliErrors.Run(() =>
        {
            var (w, h) = ParseSize(r.GetValue(size)!);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var result = FashionSceneGenerator.Generate(r.GetValue(output)!, r.GetValue(train), r.GetValue(val), w, h, r.GetValue(seed), r.GetValue(source)!);
            Console.WriteLine(result.ToTable());
            Console.WriteLine($"wrote {r.GetValue(train)} + {r.GetValue(val)} scenes to {r.GetValue(output)} in {watch.Elapsed.TotalSeconds:F1} s " +
                $"({result.Train.SourceIndices.Length:N0} training and {result.Val.SourceIndices.Length:N0} test images of {r.GetValue(source)})");
            return 0;
        }));
        return command;
    }

    private static (Option<string>, Option<int>, Option<int>, Option<string>, Option<int>) CommonOptions(int train, int val, string size) => (
        new Option<string>("--out") { Description = "Output directory.", Required = true },
        new Option<int>("--train") { Description = "Training scenes.", DefaultValueFactory = _ => train },
        new Option<int>("--val") { Description = "Validation scenes.", DefaultValueFactory = _ => val },
        new Option<string>("--size") { Description = "Scene size WxH.", DefaultValueFactory = _ => size },
        new Option<int>("--seed") { Description = "Generator seed.", DefaultValueFactory = _ => 7 });

    private static (int Width, int Height) ParseSize(string size)
    {
        var parts = size.ToLowerInvariant().Split('x');
        if (parts.Length != 2 || !int.TryParse(parts[0], out var w) || !int.TryParse(parts[1], out var h))
            throw new ArgumentException($"--size must look like 192x96, got '{size}'.");
        return (w, h);
    }
}
