using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Vision.Training;

/// <summary>Turns a managed <see cref="ImageBatch"/> into tensors on a device (inside the caller's dispose scope).</summary>
public static class BatchTensors
{
    /// <summary>Images [N,3,H,W] float32 and labels [N,H,W] int64.</summary>
    public static (Tensor images, Tensor labels) From(ImageBatch batch, Device device)
    {
        var images = tensor(batch.Images, new long[] { batch.Count, 3, batch.Height, batch.Width });
        var labels = tensor(batch.Labels, new long[] { batch.Count, batch.Height, batch.Width });
        return device.type == DeviceType.CPU ? (images, labels) : (images.to(device), labels.to(device));
    }
}
