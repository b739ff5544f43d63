namespace RecallKit.Vision.Data.Classification;

/// <summary>
/// The CIFAR "binary version" files. CIFAR-10: <c>data_batch_1.bin</c> … <c>data_batch_5.bin</c>, <c>test_batch.bin</c>,
/// records of 1 label byte + 3072 pixel bytes, names in <c>batches.meta.txt</c>. CIFAR-100: <c>train.bin</c>,
/// <c>test.bin</c>, records of a coarse and a fine label byte + 3072 bytes (the fine label is used), names in
/// <c>fine_label_names.txt</c>. Pixels are stored as three 32×32 planes (R, G, B).
/// </summary>
public static class CifarBinary
{
    private const int Side = 32;
    private const int Plane = Side * Side;

    /// <summary>Reads the training or test split of CIFAR-10 (<paramref name="classes"/> = 10) or CIFAR-100 (100).</summary>
    public static ImageArray Load(string directory, int classes, bool train)
    {
        if (classes is not (10 or 100)) throw new ArgumentOutOfRangeException(nameof(classes), classes, "CIFAR has 10 or 100 classes.");
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"{directory} does not exist; expected the CIFAR-{classes} binary files ({(classes == 10 ? "data_batch_1.bin … test_batch.bin" : "train.bin, test.bin")}).");
        var files = classes == 10
            ? (train ? Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin").ToArray() : ["test_batch.bin"])
            : [train ? "train.bin" : "test.bin"];
        int labelBytes = classes == 10 ? 1 : 2;
        int record = labelBytes + 3 * Plane;
        var pixels = new List<byte[]>();
        var labels = new List<int>();
        foreach (var name in files)
        {
            var path = Path.Combine(directory, name);
            if (!File.Exists(path)) throw new FileNotFoundException($"{path} does not exist (CIFAR-{classes} binary version).", path);
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length == 0 || bytes.Length % record != 0)
                throw new InvalidDataException($"{path}: {bytes.Length} bytes is not a whole number of {record}-byte CIFAR-{classes} records.");
            for (int offset = 0; offset < bytes.Length; offset += record)
            {
                int label = bytes[offset + labelBytes - 1];
                if (label >= classes)
                    throw new InvalidDataException($"{path}: record {offset / record} has label {label}, outside [0, {classes}).");
                labels.Add(label);
                var hwc = new byte[3 * Plane];
                for (int p = 0; p < Plane; p++)
                    for (int c = 0; c < 3; c++)
                        hwc[p * 3 + c] = bytes[offset + labelBytes + c * Plane + p];
                pixels.Add(hwc);
            }
        }
        return new ImageArray(pixels.SelectMany(p => p).ToArray(), labels.ToArray(), 3, Side, Side, Names(directory, classes));
    }

    private static string[] Names(string directory, int classes)
    {
        var file = Path.Combine(directory, classes == 10 ? "batches.meta.txt" : "fine_label_names.txt");
        var names = File.Exists(file) ? File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray() : [];
        return names.Length == classes ? names : Enumerable.Range(0, classes).Select(c => $"class_{c}").ToArray();
    }
}
