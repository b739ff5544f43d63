using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Vision.Interop;

/// <summary>
/// <c>recallkit export --format pytorch</c>: the network's state_dict as a file <c>torch.load</c> reads (the keys are the
/// module names of <c>interop/python/recallkit_models.py</c>; ResNets use torchvision's) and <see cref="PyTorchModelInfo"/> beside it.
/// </summary>
public static class PyTorchExport
{
    /// <summary>Writes <paramref name="network"/>'s state (without <paramref name="skip"/>) to <paramref name="path"/> and the description beside it.</summary>
    /// <returns>The path of the description.</returns>
    public static string Write(nn.Module network, PyTorchModelInfo info, string path, IReadOnlyCollection<string>? skip = null)
    {
        var state = network.state_dict().Where(p => skip?.Contains(p.Key) != true);
        PyTorchStateDict.Save(state, path);
        return info.WriteBeside(path);
    }
}
