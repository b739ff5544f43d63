using System.Linq.Expressions;

namespace RecallKit.Vision.Configuration;

/// <summary>The problems found in a config, each naming the key, the value and what is allowed.</summary>
public sealed class ConfigProblems
{
    private readonly List<string> messages = [];

    /// <summary>The messages, in the order the checks ran.</summary>
    public IReadOnlyList<string> Messages => messages;

    /// <summary>Adds <c>key = value is invalid: expected …</c> unless <paramref name="ok"/>.</summary>
    public void Require<T>(bool ok, Expression<Func<TrainConfig, T>> key, object? value, string expected)
    {
        if (!ok) Require(ok, ConfigKey.Of(key), value, expected);
    }

    /// <summary>Adds <c>key = value is invalid: expected …</c> unless <paramref name="ok"/>, for a key named in words (several keys).</summary>
    public void Require(bool ok, string key, object? value, string expected)
    {
        if (!ok) messages.Add($"{key} = {value} is invalid: expected {expected}.");
    }

    /// <summary>Adds messages found elsewhere (e.g. a loss term's).</summary>
    public void Add(IEnumerable<string> more) => messages.AddRange(more);
}
