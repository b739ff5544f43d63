using RecallKit.Vision.Configuration;

namespace RecallKit.Tests.Training;

/// <summary>The <c>precision</c> key: its values, the CUDA rule for fp16, and a clear error for anything else.</summary>
public sealed class PrecisionConfigTests
{
    [Fact]
    public void Fp32IsTheDefaultAndBf16IsValidOnTheCpu()
    {
        Assert.Equal(PrecisionKind.Fp32, ConfigLoader.Load(null).Precision);
        var bf16 = ConfigLoader.Load(null, ["precision=bf16"]);
        Assert.Equal(PrecisionKind.Bf16, bf16.Precision);
        Assert.Empty(ConfigValidation.Problems(bf16));
    }

    [Fact]
    public void Fp16OnTheCpuIsAnErrorNamingTheKeyAndSayingItNeedsCuda()
    {
        var problem = Assert.Single(ConfigValidation.Problems(new TrainConfig { Precision = PrecisionKind.Fp16 }));
        Assert.StartsWith("precision = fp16 is invalid", problem);
        Assert.Contains("fp16 needs CUDA", problem);
        Assert.Empty(ConfigValidation.Problems(new TrainConfig { Precision = PrecisionKind.Fp16, Device = DeviceKind.Cuda }));
    }

    [Fact]
    public void AnotherValueIsAnErrorListingTheAllowedOnes()
    {
        var e = Assert.ThrowsAny<Exception>(() => ConfigLoader.Load(null, ["precision=fp64"]));
        Assert.Contains("precision", e.Message);
        Assert.Contains("fp32", e.Message);
        Assert.Contains("bf16", e.Message);
    }
}
