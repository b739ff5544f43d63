using System.Text.Json.Serialization;
using RecallKit.Vision.Data;

namespace RecallKit.Vision.Configuration;

/// <summary>Datasets whose balanced training split is made long-tailed (Fashion-MNIST-LT, CIFAR-10/100-LT).</summary>
public sealed record LongTailOptions : DataOptions
{
    /// <summary>Imbalance ratio ρ = n_max / n_min of the training split.</summary>
    [JsonPropertyOrder(19)]
    public double ImbalanceRatio { get; init; } = 100;

    /// <inheritdoc/>
    public override bool IsReadBy(DatasetKind kind) => kind is DatasetKind.FashionMnistLt or DatasetKind.Cifar10Lt or DatasetKind.Cifar100Lt;
}
