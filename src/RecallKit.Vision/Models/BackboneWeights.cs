using TorchSharp.PyBridge;

namespace RecallKit.Vision.Models;

/// <summary>Loads torchvision ImageNet weights (a PyTorch <c>state_dict</c> saved with <c>torch.save</c>, e.g. resnet18-f37072fd.pth).</summary>
public static class BackboneWeights
{
    /// <summary>
    /// Loads the matching keys of <paramref name="path"/> into <paramref name="backbone"/> (torchvision names: conv1, bn1,
    /// layer1.0.conv1, …; the file's fc.* keys are ignored). A tensor whose shape differs is an error naming the key.
    /// </summary>
    public static BackboneWeightsReport Load(ResNetBackbone backbone, string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"backbone weights {path} do not exist.", path);
        var loaded = new Dictionary<string, bool>();
        try
        {
            backbone.load_py(path, strict: false, loadedParameters: loaded);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or InvalidDataException or NotSupportedException
                                      or Razorvine.Pickle.PickleException or IOException or System.Runtime.InteropServices.ExternalException)
        {
            throw new InvalidDataException($"{path}: cannot load backbone weights ({e.Message}).", e);
        }
        var keys = backbone.state_dict().Keys.ToArray();
        var ok = keys.Where(k => loaded.TryGetValue(k, out var v) && v).ToArray();
        var missing = keys.Except(ok).ToArray();
        if (ok.Length == 0)
            throw new InvalidDataException($"{path} provided none of the backbone's parameters (expected torchvision ResNet names such as conv1.weight, layer1.0.conv1.weight).");
        return new BackboneWeightsReport(ok, missing);
    }
}
