using RecallKit.Losses;
using RecallKit.Runtime;
using RecallKit.Tests.Support;
using static TorchSharp.torch;

namespace RecallKit.Tests.Runtime;

/// <summary>
/// The kernels' parallel loop on libtorch's OpenMP threads and on .NET's thread pool: every item once, one state per
/// thread, failures rethrown, and the fused loss the same on both. Switches a process-wide setting, so the class runs alone.
/// </summary>
[Collection(nameof(GlobalTorchState))]
public class TorchThreadsTests
{
    public static TheoryData<bool> Schedulers => [true, false];

    [Fact]
    public void TheOpenMpRuntimeLibtorchLoadedIsFoundOnLinux()
    {
        using var loaded = ones(1);
        Assert.Equal(OperatingSystem.IsLinux(), TorchThreads.OpenMpAvailable);
    }

    [Theory]
    [MemberData(nameof(Schedulers))]
    public void EveryItemRunsOnceAndEveryThreadStateIsFinishedOnce(bool openMp)
    {
        using var loaded = ones(1);
        var before = TorchThreads.UseOpenMp;
        try
        {
            TorchThreads.UseOpenMp = openMp;
            const int items = 5000;
            var seen = new int[items];
            int created = 0, finished = 0;
            long total = 0;
            TorchThreads.For(items, 2,
                () => { Interlocked.Increment(ref created); return new long[1]; },
                (i, local) => { Interlocked.Increment(ref seen[i]); local[0] += i; },
                local => { finished++; total += local[0]; });
            Assert.All(seen, count => Assert.Equal(1, count));
            Assert.Equal(created, finished);
            Assert.InRange(created, 1, 2 * Environment.ProcessorCount + 2);
            Assert.Equal((long)items * (items - 1) / 2, total);
        }
        finally
        {
            TorchThreads.UseOpenMp = before;
        }
    }

    [Theory]
    [MemberData(nameof(Schedulers))]
    public void AFailingItemIsRethrownOnTheCallingThread(bool openMp)
    {
        using var loaded = ones(1);
        var before = TorchThreads.UseOpenMp;
        try
        {
            TorchThreads.UseOpenMp = openMp;
            int ran = 0;
            var e = Assert.ThrowsAny<Exception>(() => TorchThreads.For(400, 2, () => 0,
                (i, _) =>
                {
                    Interlocked.Increment(ref ran);
                    if (i == 37) throw new InvalidOperationException("item 37 failed");
                },
                _ => { }));
            var inner = e is AggregateException a ? a.InnerExceptions.Single() : e;
            Assert.IsType<InvalidOperationException>(inner);
            Assert.Equal("item 37 failed", inner.Message);
            Assert.InRange(ran, 38, 400);
            // The team is usable afterwards.
            long sum = 0;
            TorchThreads.For(10, 2, () => new long[1], (i, local) => local[0] += i, local => sum += local[0]);
            Assert.Equal(45, sum);
        }
        finally
        {
            TorchThreads.UseOpenMp = before;
        }
    }

    [Fact]
    public void TheFusedLossGivesTheSameCountsLossesAndGradientsOnBothSchedulers()
    {
        int threads = get_num_threads();
        var before = TorchThreads.UseOpenMp;
        try
        {
            set_num_threads(2);
            foreach (var shape in new long[][] { [300, 700], [2, 5, 64, 96] })
            {
                using var scope = NewDisposeScope();
                var (input, target) = Tensors.Random(shape, 255, 0.1, 3, ScalarType.Float32);
                (double loss, double[] grad, double[] weights) Run(bool openMp)
                {
                    TorchThreads.UseOpenMp = openMp;
                    using var recall = new RecallCrossEntropy(shape[1], ignore_index: 255);
                    var x = input.detach().clone().requires_grad_(true);
                    var value = recall.call(x, target);
                    value.backward();
                    return (value.Scalar(), x.grad!.ToDoubles(), recall.last_weights.ToDoubles());
                }
                var omp = Run(true);
                var pool = Run(false);
                Assert.Equal(pool.weights, omp.weights); // from exact counts
                Assert.Equal(pool.loss, omp.loss, 1e-6);
                Tensors.AllClose(pool.grad, omp.grad, 1e-7);
            }
        }
        finally
        {
            TorchThreads.UseOpenMp = before;
            set_num_threads(threads);
        }
    }
}
