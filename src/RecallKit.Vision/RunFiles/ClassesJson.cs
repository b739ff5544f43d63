using System.Text.Json;
using RecallKit.Vision.Data;

namespace RecallKit.Vision.RunFiles;

/// <summary>JSON form of <see cref="DatasetClasses"/>, stored in checkpoints so predict works without the dataset.</summary>
public static class ClassesJson
{
    private sealed record Entry(string Name, byte[] Color);

    private sealed record Document(Entry[] Classes, int IgnoreIndex, long[]? TrainingCounts = null);

    /// <summary>Serialises classes and, when known, the training samples per class.</summary>
    public static string Serialize(DatasetClasses classes, IReadOnlyList<long>? training_counts = null) => JsonSerializer.Serialize(new Document(
        classes.Names.Select((n, i) => new Entry(n, [classes.Palette[i].R, classes.Palette[i].G, classes.Palette[i].B])).ToArray(), classes.IgnoreIndex,
        training_counts?.ToArray()));

    /// <summary>The training counts stored by <see cref="Serialize"/>, or null.</summary>
    public static long[]? TrainingCounts(string json) => JsonSerializer.Deserialize<Document>(json)?.TrainingCounts;

    /// <summary>Parses <see cref="Serialize"/> output.</summary>
    public static DatasetClasses Parse(string json)
    {
        var d = JsonSerializer.Deserialize<Document>(json) ?? throw new InvalidDataException("empty classes section.");
        return new DatasetClasses(d.Classes.Select(c => c.Name).ToArray(), d.Classes.Select(c => (c.Color[0], c.Color[1], c.Color[2])).ToArray(), d.IgnoreIndex);
    }
}
