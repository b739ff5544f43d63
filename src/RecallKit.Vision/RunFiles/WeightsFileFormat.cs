using RecallKit.Vision.Interop;

namespace RecallKit.Vision.RunFiles;

/// <summary>What a weights file is, judged by its first bytes (not its extension).</summary>
public enum WeightsFileFormat
{
    /// <summary>A RecallKit checkpoint (train, export).</summary>
    RecallKitCheckpoint,
    /// <summary>A zip archive, as <c>torch.save</c> writes since PyTorch 1.6.</summary>
    PyTorchZip,
    /// <summary>A bare pickle: <c>torch.save(..., _use_new_zipfile_serialization=False)</c>.</summary>
    PyTorchLegacy,
    /// <summary>Anything else.</summary>
    Unknown,
}

/// <summary>Tells weights files apart.</summary>
public static class WeightsFiles
{
    /// <summary>The format of the existing file <paramref name="path"/>.</summary>
    public static WeightsFileFormat Detect(string path)
    {
        var head = PyTorchStateDict.ReadHead(path);
        if (Checkpoint.StartsWithMagic(head)) return WeightsFileFormat.RecallKitCheckpoint;
        return PyTorchStateDict.Sniff(head) switch
        {
            PyTorchFileKind.Zip => WeightsFileFormat.PyTorchZip,
            PyTorchFileKind.LegacyPickle => WeightsFileFormat.PyTorchLegacy,
            _ => WeightsFileFormat.Unknown,
        };
    }
}
