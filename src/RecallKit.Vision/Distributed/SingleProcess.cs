namespace RecallKit.Vision.Distributed;

/// <summary>One process: the collectives are identities.</summary>
public sealed class SingleProcess : IDistributed
{
    /// <summary>The instance.</summary>
    public static readonly SingleProcess Instance = new();

    private SingleProcess()
    {
    }

    /// <inheritdoc />
    public int Rank => 0;

    /// <inheritdoc />
    public int Size => 1;

    /// <inheritdoc />
    public void AllReduceSum(Span<float> values)
    {
    }

    /// <inheritdoc />
    public void AllReduceSum(Span<double> values)
    {
    }

    /// <inheritdoc />
    public void AllReduceSum(Span<long> values)
    {
    }

    /// <inheritdoc />
    public void Broadcast(Span<byte> data, int root = 0)
    {
    }

    /// <inheritdoc />
    public void Barrier()
    {
    }

    /// <inheritdoc />
    public void Abort(int code) => Environment.Exit(code);

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
