using RecallKit.Vision.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace RecallKit.Vision.Training;

/// <summary>Runs a model over every batch of a split in eval mode without gradients, one dispose scope per batch.</summary>
internal static class EvaluationPass
{
    /// <summary>Calls <paramref name="onBatch"/> with (logits, labels) of each batch; the model's mode is restored afterwards.</summary>
    public static void Run(nn.Module<Tensor, Tensor> model, IBatchSource source, Device device, CancellationToken cancellation, Action<Tensor, Tensor> onBatch)
    {
        bool wasTraining = model.training;
        model.eval();
        try
        {
            foreach (var batch in source.Epoch(0, 0, cancellation))
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                using var _ = no_grad();
                var (images, labels) = BatchTensors.From(batch, device);
                onBatch(model.call(images), labels);
            }
            // batch sources stop yielding on cancellation: a partial evaluation must not pass for a complete one
            cancellation.ThrowIfCancellationRequested();
        }
        finally
        {
            model.train(wasTraining);
        }
    }
}
