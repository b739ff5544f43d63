namespace RecallKit.Vision.Distributed;

/// <summary>Totals of collective calls.</summary>
/// <param name="Calls">All-reduce and broadcast calls.</param>
/// <param name="Bytes">Bytes of this process's buffers in those calls.</param>
/// <param name="Elapsed">Time spent inside them, including the wait for the slowest rank.</param>
public sealed record CollectiveTraffic(long Calls, long Bytes, TimeSpan Elapsed)
{
    /// <summary>Nothing yet.</summary>
    public static CollectiveTraffic None { get; } = new(0, 0, TimeSpan.Zero);

    /// <summary>What happened between <paramref name="before"/> and this.</summary>
    public CollectiveTraffic Since(CollectiveTraffic before) => new(Calls - before.Calls, Bytes - before.Bytes, Elapsed - before.Elapsed);

    /// <summary>Both totals together.</summary>
    public CollectiveTraffic Plus(CollectiveTraffic other) => new(Calls + other.Calls, Bytes + other.Bytes, Elapsed + other.Elapsed);
}
