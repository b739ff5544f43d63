using RecallKit.Tests.Support;
using RecallKit.Vision.Configuration;
using RecallKit.Vision.Training;

namespace RecallKit.Tests.Docs;

/// <summary>docs/configuration.md is what <c>recallkit config reference</c> generates from the config records.</summary>
public sealed class ConfigurationReferenceTests
{
    private const string Regenerate = "dotnet run --project src/RecallKit.Cli -- config reference > docs/configuration.md";

    private static async Task<string> GeneratedAsync()
    {
        var (code, stdout, stderr) = await CliProcess.RunAsync("config", "reference");
        Assert.True(code == 0, stderr);
        return stdout;
    }

    [Fact]
    public async Task TheCommittedReferenceIsTheGeneratedOne()
    {
        var generated = await GeneratedAsync();
        var committed = await File.ReadAllTextAsync(Path.Combine(DocsSite.RepositoryRoot(), "docs", "configuration.md"), TestContext.Current.CancellationToken);
        Assert.True(committed.ReplaceLineEndings("\n") == generated.ReplaceLineEndings("\n"),
            $"docs/configuration.md is stale (it differs from what the config records generate); regenerate it: {Regenerate}");
    }

    [Fact]
    public async Task EveryKeyIsListedOnceWithItsDefaultItsConditionAndItsResumeRule()
    {
        var generated = await GeneratedAsync();
        var rows = generated.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .Select(l => l.Split(" | ")).ToDictionary(cells => cells[0].Trim('|', ' ', '`'), cells => cells);
        var defaults = ConfigApplicability.Flatten(new TrainConfig());
        Assert.Equal(defaults.Keys.Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        foreach (var rule in ConfigApplicability.Rules)
        {
            var cells = rows[rule.Key];
            Assert.Equal($"`{defaults[rule.Key].Replace("|", "\\|")}`", cells[2]);
            Assert.Equal(rule.When.Replace("|", "\\|"), cells[4]);
            Assert.Equal(ResumeCompatibility.MayChange.Contains(rule.Key) ? "may change" : "fixed", cells[5].TrimEnd(' ', '|'));
        }
        // Hand-checked rows: a section key, a flattened option key with its own condition, an enum, a documented summary.
        Assert.Equal("`8`", rows["data.batch_size"][2]);
        Assert.Equal("integer", rows["data.batch_size"][1]);
        Assert.Equal("Images per training batch.", rows["data.batch_size"][3]);
        Assert.Equal("`2`", rows["loss.gamma"][2]);
        Assert.Contains("focal", rows["loss.gamma"][4]);
        Assert.Equal("may change", rows["schedule.iterations"][5].TrimEnd(' ', '|'));
        Assert.Equal("fixed", rows["loss.kind"][5].TrimEnd(' ', '|'));
        Assert.Contains("`recall`", rows["loss.kind"][1]);
        Assert.Equal("list of number or null", rows["loss.focal_alpha"][1]);
    }
}
