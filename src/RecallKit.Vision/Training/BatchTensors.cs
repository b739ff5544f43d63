using RecallKit.Vision.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Vision.Training;

/// <summary>Turns a managed <see cref="ImageBatch"/> into tensors on a device (inside the caller's dispose scope).</summary>
public static class BatchTensors
{
    /// <summary>Images [N,channels,H,W] float32 and labels int64, [N,H,W] (one per pixel) or [N] (one per image).</summary>
    public static (Tensor images, Tensor labels) From(ImageBatch batch, Device device)
    {
        var images = tensor(batch.Images, new long[] { batch.Count, batch.Channels, batch.Height, batch.Width });
        var labels = batch.ImageLabels
            ? tensor(batch.Labels, new long[] { batch.Count })
            : tensor(batch.Labels, new long[] { batch.Count, batch.Height, batch.Width });
        return device.type == DeviceType.CPU ? (images, labels) : (images.to(device), labels.to(device));
    }
}
