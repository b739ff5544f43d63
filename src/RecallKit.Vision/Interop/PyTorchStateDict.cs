using System.Collections;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace RecallKit.Vision.Interop;

/// <summary>
/// PyTorch <c>state_dict</c> files — the zip archives <c>torch.save(model.state_dict(), path)</c> writes and <c>torch.load</c>
/// reads: written by <see cref="TorchSaveWriter"/>, read with TorchSharp.PyBridge's unpickler.
/// </summary>
public static class PyTorchStateDict
{
    private static readonly byte[] ZipLocalHeader = [0x50, 0x4b, 0x03, 0x04];
    private const byte PickleProtocol = 0x80;

    /// <summary>Writes <paramref name="state"/> to <paramref name="path"/> (via a temporary file, so a failed write leaves no half file).</summary>
    public static void Save(IEnumerable<KeyValuePair<string, Tensor>> state, string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = File.Create(temporary)) TorchSaveWriter.Write(stream, state);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>The first bytes of the existing file <paramref name="path"/> (enough for <see cref="Sniff"/> and other formats' magic numbers).</summary>
    public static byte[] ReadHead(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} does not exist.", path);
        var head = new byte[32];
        using var stream = File.OpenRead(path);
        int n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return head[..n];
    }

    /// <summary>Which kind of torch.save file starts with <paramref name="head"/>, or null for none.</summary>
    public static PyTorchFileKind? Sniff(ReadOnlySpan<byte> head) =>
        head.StartsWith(ZipLocalHeader) ? PyTorchFileKind.Zip
        : head.Length >= 2 && head[0] == PickleProtocol ? PyTorchFileKind.LegacyPickle
        : null;

    /// <summary>
    /// Reads the tensors of <paramref name="path"/> (on the CPU, keys sorted; the caller disposes them). A file that is not a state_dict in
    /// torch.save's zip format — a legacy pickle, a whole pickled module, a checkpoint dictionary with non-tensor entries,
    /// a corrupt archive — is an <see cref="InvalidDataException"/> naming the file and what to do.
    /// </summary>
    public static Dictionary<string, Tensor> Load(string path)
    {
        switch (Sniff(ReadHead(path)))
        {
            case PyTorchFileKind.Zip:
                break;
            case PyTorchFileKind.LegacyPickle:
                throw new InvalidDataException($"{path} was written in torch.save's legacy format (_use_new_zipfile_serialization=False); re-save it with torch.save(model.state_dict(), path).");
            default:
                throw new InvalidDataException($"{path} is not a PyTorch file written by torch.save.");
        }

        Hashtable table;
        try
        {
            using var stream = File.OpenRead(path);
            table = PyTorchUnpickler.UnpickleStateDict(stream);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotImplementedException or NotSupportedException or InvalidCastException
                                      or InvalidOperationException or ArgumentException or IndexOutOfRangeException or KeyNotFoundException
                                      or Razorvine.Pickle.PickleException or System.Runtime.InteropServices.ExternalException)
        {
            throw new InvalidDataException($"{path}: cannot read a PyTorch state_dict ({e.Message}).", e);
        }

        // The reader does not keep the file's key order; sorted keys make messages about them reproducible.
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var other = new List<string>();
        foreach (var entry in table.Cast<DictionaryEntry>().OrderBy(e => e.Key?.ToString(), StringComparer.Ordinal))
        {
            if (entry.Key is string key && entry.Value is Tensor tensor) state[key] = tensor;
            else other.Add(entry.Key?.ToString() ?? "null");
        }
        if (other.Count == 0 && state.Count > 0) return state;
        foreach (var tensor in state.Values) tensor.Dispose();
        throw new InvalidDataException(other.Count == 0
            ? $"{path} holds no tensors."
            : $"{path} is not a state_dict: {string.Join(", ", other.Take(6))} {(other.Count == 1 ? "is" : "are")} not tensors (save model.state_dict() itself, e.g. checkpoint[\"state_dict\"], with torch.save).");
    }

    /// <summary>Shapes by key, for key checks and messages.</summary>
    public static Dictionary<string, long[]> Shapes(IReadOnlyDictionary<string, Tensor> state) => state.ToDictionary(p => p.Key, p => p.Value.shape);
}

/// <summary>The two layouts torch.save has used.</summary>
public enum PyTorchFileKind
{
    /// <summary>A zip archive (PyTorch ≥ 1.6, the default).</summary>
    Zip,
    /// <summary>A bare pickle (older PyTorch, or <c>_use_new_zipfile_serialization=False</c>).</summary>
    LegacyPickle,
}
