using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using RecallKit.Vision.Configuration;

namespace RecallKit.Tests.Training;

/// <summary>The flattening modifier on small records, independent of the config records.</summary>
public sealed class JsonFlatteningTests
{
    public sealed record Leaf
    {
        [JsonPropertyOrder(6)]
        public int Depth { get; init; } = 3;
    }

    public sealed record Inner
    {
        [JsonPropertyOrder(2)]
        public int A { get; init; } = 1;

        [JsonPropertyOrder(4), JsonPropertyName("inner_b")]
        public string B { get; init; } = "x";

        [JsonFlatten]
        public Leaf Leaf { get; init; } = new();
    }

    public sealed record Outer
    {
        [JsonPropertyOrder(1)]
        public int First { get; init; }

        [JsonFlatten]
        public Inner Inner { get; init; } = new();

        [JsonPropertyOrder(3)]
        public int Between { get; init; }
    }

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { JsonFlattening.Modifier } },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    [Fact]
    public void NestedPropertiesAreWrittenAsKeysOfTheEnclosingObjectInPropertyOrder()
    {
        var value = new Outer { First = 7, Between = 8, Inner = new Inner { A = 2, B = "y", Leaf = new Leaf { Depth = 4 } } };
        Assert.Equal("""{"first":7,"a":2,"between":8,"inner_b":"y","depth":4}""", JsonSerializer.Serialize(value, Options));
    }

    [Fact]
    public void FlatKeysAreReadIntoTheNestedRecordsAndMissingOnesKeepTheirDefaults()
    {
        var value = JsonSerializer.Deserialize<Outer>("""{"inner_b":"z","depth":9,"first":1}""", Options)!;
        Assert.Equal(new Outer { First = 1, Inner = new Inner { A = 1, B = "z", Leaf = new Leaf { Depth = 9 } } }, value);
        Assert.Equal(value, JsonSerializer.Deserialize<Outer>(JsonSerializer.Serialize(value, Options), Options));
    }

    [Fact]
    public void EveryDeserialisedObjectGetsItsOwnNestedRecord()
    {
        var first = JsonSerializer.Deserialize<Outer>("""{"a":5}""", Options)!;
        var second = JsonSerializer.Deserialize<Outer>("""{"a":6}""", Options)!;
        Assert.Equal((5, 6, 1), (first.Inner.A, second.Inner.A, new Outer().Inner.A));
    }

    [Theory]
    [InlineData("""{"inner":{"a":2}}""")]
    [InlineData("""{"leaf":{"depth":2}}""")]
    [InlineData("""{"b":"y"}""")]
    public void TheNestedPropertyNamesAreNotKeys(string json) =>
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<Outer>(json, Options));
}
