using System.Collections.Concurrent;
using RecallKit.Vision.Data.Classification;
using RecallKit.Vision.Data.Masks;

namespace RecallKit.Vision.Data.Checks;

/// <summary>
/// Reads every sample of a split once — in parallel, streaming (memory bounded by the threads, not the dataset) — and records
/// what training needs to know before it starts: encodings, sizes, per-class counts, and every kind of problem with the first
/// file that has it (the one training, which reads in the same order, would stop at).
/// </summary>
public static class DatasetChecker
{
    /// <summary>Checks a segmentation split; <paramref name="progress"/> receives the number of samples read so far.</summary>
    public static SplitCheck Segmentation(ISegmentationDataset dataset, string split, IProgress<int>? progress = null, CancellationToken cancellation = default)
    {
        int classes = dataset.Classes.Count, ignore = dataset.Classes.IgnoreIndex;
        var counts = new long[classes];
        long ignored = 0;
        var sizes = new (int W, int H)[dataset.Count];
        var readable = new bool[dataset.Count];
        var problems = new Problems();
        var encodings = new ConcurrentDictionary<string, int>();
        int done = 0;
        Parallel.For(0, dataset.Count, new ParallelOptions { CancellationToken = cancellation }, () => (new long[classes], 0L), (i, _, local) =>
        {
            try
            {
                if (dataset is PairedFileDataset paired) encodings.AddOrUpdate(Encoding(paired.LabelPath(i)), 1, (_, n) => n + 1);
                var sample = dataset.Load(i);
                sizes[i] = (sample.Width, sample.Height);
                readable[i] = true;
                foreach (var label in sample.Labels)
                    if (label == ignore) local.Item2++;
                    else local.Item1[label]++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                problems.Add(i, Message(e, dataset.Describe(i))); // whatever a sample throws is reported with its file, never ends the check
            }
            progress?.Report(Interlocked.Increment(ref done));
            return local;
        }, local =>
        {
            lock (counts)
            {
                for (int c = 0; c < classes; c++) counts[c] += local.Item1[c];
                ignored += local.Item2;
            }
        });
        return Result(split, dataset.Count, encodings, sizes, readable, counts, ignored, problems);
    }

    /// <summary>Checks a classification split: every image decoded once; counts are images per class.</summary>
    public static SplitCheck Classification(IClassificationDataset dataset, string split, IProgress<int>? progress = null, CancellationToken cancellation = default)
    {
        var counts = new long[dataset.ClassNames.Count];
        foreach (var label in dataset.Labels) counts[label]++;
        var sizes = new (int W, int H)[dataset.Count];
        var readable = new bool[dataset.Count];
        var problems = new Problems();
        int done = 0;
        Parallel.For(0, dataset.Count, new ParallelOptions { CancellationToken = cancellation }, i =>
        {
            try
            {
                var image = dataset.Load(i);
                sizes[i] = (image.Width, image.Height);
                readable[i] = true;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                problems.Add(i, Message(e, dataset.Describe(i)));
            }
            progress?.Report(Interlocked.Increment(ref done));
        });
        return Result(split, dataset.Count, new Dictionary<string, int>(), sizes, readable, counts, 0, problems);
    }

    private static SplitCheck Result(string split, int samples, IReadOnlyDictionary<string, int> encodings, (int W, int H)[] sizes, bool[] readable,
        long[] counts, long ignored, Problems problems)
    {
        var read = Enumerable.Range(0, samples).Where(i => readable[i]).Select(i => sizes[i]).ToArray();
        return new SplitCheck(split, samples, new SortedDictionary<string, int>(encodings.ToDictionary(), StringComparer.Ordinal),
            read.Select(s => s.W).Order().ToArray(), read.Select(s => s.H).Order().ToArray(), counts, ignored, problems.ToList());
    }

    /// <summary>The data errors name their file; anything else gets the sample's files in front.</summary>
    private static string Message(Exception e, string sample) => e is InvalidDataException or IOException ? e.Message : $"{sample}: {e.Message}";

    private static string Encoding(string labelPath)
    {
        try
        {
            return MaskFiles.Detect(labelPath);
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException or IOException)
        {
            return "unreadable";
        }
    }

    /// <summary>Problems grouped by kind, each keeping its count and the message of its lowest sample index.</summary>
    private sealed class Problems
    {
        private readonly Dictionary<string, (int Count, int First, string Message)> kinds = [];

        public void Add(int index, string message)
        {
            var kind = KindOf(message);
            lock (kinds)
                kinds[kind] = kinds.TryGetValue(kind, out var k)
                    ? (k.Count + 1, Math.Min(k.First, index), index < k.First ? message : k.Message)
                    : (1, index, message);
        }

        public List<DataProblem> ToList()
        {
            lock (kinds)
                return kinds.OrderBy(k => k.Value.First).Select(k => new DataProblem(k.Key, k.Value.Count, k.Value.Message)).ToList();
        }

        private static string KindOf(string message) =>
            message.Contains(" has value ") ? "label values that are no class"
            : message.Contains(" has colour ") ? "label colours that are no class"
            : message.Contains(" transparent pixel") ? "transparent label pixels"
            : message.Contains("but its label") ? "image and label sizes differ"
            : message.Contains("does not exist") ? "missing files"
            : message.Contains("cannot be read as class ids") || message.Contains("labels must be") || message.Contains("interlaced") ? "label encodings that cannot be read exactly"
            : message.Contains("cannot decode") ? "files that cannot be decoded"
            : "other problems";
    }
}
