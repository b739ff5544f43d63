using RecallKit.Runtime;

[assembly: AssemblyFixture(typeof(RecallKit.Tests.Support.TorchFixture))]

namespace RecallKit.Tests.Support;

/// <summary>Loads libtorch once for the whole run, failing with RecallKit's actionable message if it cannot.</summary>
public sealed class TorchFixture
{
    public TorchFixture()
    {
        TorchRuntime.EnsureLoaded();
        TorchSharp.torch.random.manual_seed(1234);
    }
}
