using System.Linq.Expressions;
using System.Reflection;
using RecallKit.Tests.Docs;
using RecallKit.Vision.Configuration;

namespace RecallKit.Tests.Training;

/// <summary><see cref="ConfigKey"/> names a key from its property as the generated reference (docs/configuration.md) spells it.</summary>
public sealed class ConfigKeyTests
{
    /// <summary>Every settable leaf property reachable from a <see cref="TrainConfig"/>, as a lambda from the config.</summary>
    private static IEnumerable<LambdaExpression> Leaves()
    {
        var config = Expression.Parameter(typeof(TrainConfig), "c");
        return Walk(config);

        IEnumerable<LambdaExpression> Walk(Expression owner)
        {
            foreach (var property in owner.Type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
            {
                var access = Expression.Property(owner, property);
                bool nested = property.PropertyType.IsClass && !property.PropertyType.IsArray && property.PropertyType.Namespace == typeof(TrainConfig).Namespace;
                if (!nested) yield return Expression.Lambda(access, config);
                else foreach (var leaf in Walk(access)) yield return leaf;
            }
        }
    }

    private static string[] ReferenceKeys() =>
        File.ReadAllLines(Path.Combine(DocsSite.RepositoryRoot(), "docs", "configuration.md"))
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .Select(l => l.Split(" | ")[0].Trim('|', ' ', '`'))
            .ToArray();

    [Fact]
    public void EveryLeafPropertyNamesItsKeyInTheGeneratedReference()
    {
        var keys = Leaves().Select(ConfigKey.Of).ToArray();
        var reference = ReferenceKeys();
        Assert.True(reference.Length >= 80, $"the reference lists only {reference.Length} keys");
        Assert.Equal(keys.Length, keys.Distinct().Count());
        Assert.Equal(reference.Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void FlattenedOptionRecordsAndJsonPropertyNamesGiveTheFlattenedKey()
    {
        Assert.Equal("loss.gamma", ConfigKey.Of(c => c.Loss.Focal.Gamma));
        Assert.Equal("loss.ldam_max_margin", ConfigKey.Of(c => c.Loss.Ldam.MaxMargin));
        Assert.Equal("data.synthetic_train", ConfigKey.Of(c => c.Data.Synthetic.Train));
        Assert.Equal("data.batch_size", ConfigKey.Of(c => c.Data.BatchSize));
        Assert.Equal("schedule.skip_nonfinite", ConfigKey.Of(c => c.Schedule.SkipNonfinite));
        Assert.Equal("threads", ConfigKey.Of(c => c.Threads));
        Assert.Equal("model.head / model.stage", ConfigKey.Joined(c => c.Model.Head, c => c.Model.Stage));
    }

    [Fact]
    public void AnExpressionThatIsNoConfigKeyIsRefused()
    {
        Assert.Contains("not serialised", Assert.Throws<ArgumentException>(() => ConfigKey.Of(c => c.Loss.Kinds)).Message);
        Assert.Contains("not a chain", Assert.Throws<ArgumentException>(() => ConfigKey.Of(c => c.Loss.Kinds.First())).Message);
        Assert.Contains("not a chain", Assert.Throws<ArgumentException>(() => ConfigKey.Of(c => "x".Length)).Message);
        Assert.Contains("not a chain", Assert.Throws<ArgumentException>(() => ConfigKey.Of(c => c)).Message);
    }
}
