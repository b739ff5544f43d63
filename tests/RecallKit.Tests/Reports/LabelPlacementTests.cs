using RecallKit.Vision.Reports;

namespace RecallKit.Tests.Reports;

/// <summary>The precision–recall figure's label placement: labels never overlap, stay in the data area and near their point.</summary>
public sealed class LabelPlacementTests
{
    private static readonly PixelBox Area = new(60, 40, 700, 600);

    private static void AssertDisjointAndInside(IReadOnlyList<PixelBox> boxes)
    {
        for (int i = 0; i < boxes.Count; i++)
        {
            Assert.True(boxes[i].Inside(Area), $"label {i} {boxes[i]} leaves the data area");
            for (int j = i + 1; j < boxes.Count; j++)
                Assert.False(boxes[i].Intersects(boxes[j]), $"labels {i} {boxes[i]} and {j} {boxes[j]} overlap");
        }
    }

    [Fact]
    public void FortyLabelsOfTheSamePointDoNotOverlap()
    {
        var anchors = Enumerable.Repeat((700.0, 60.0), 40).ToList(); // the top-right corner, where large classes crowd
        var sizes = Enumerable.Range(0, 40).Select(i => (40.0 + (3 * i), 16.0)).ToList();

        var boxes = LabelPlacement.Place(anchors, sizes, Area, []);

        Assert.Equal(40, boxes.Length);
        AssertDisjointAndInside(boxes);
        for (int i = 0; i < 40; i++) Assert.Equal((sizes[i].Item1, sizes[i].Item2), (boxes[i].Width, boxes[i].Height));
    }

    [Fact]
    public void ACrowdedClusterStaysDisjointAndAvoidsThePointsWhereThereIsRoom()
    {
        // 12 classes within 10 px of each other, three losses each: 36 points, one label per class.
        var rng = new Random(3);
        var anchors = Enumerable.Range(0, 12).Select(_ => (650 + (10 * rng.NextDouble()), 80 + (10 * rng.NextDouble()))).ToList();
        var points = anchors.SelectMany(a => new[] { a, (a.Item1 - 6, a.Item2 + 4), (a.Item1 + 3, a.Item2 + 7) })
            .Select(p => PixelBox.Around(p.Item1, p.Item2, 10, 10)).ToList();
        var sizes = anchors.Select(_ => (70.0, 16.0)).ToList();

        var boxes = LabelPlacement.Place(anchors, sizes, Area, points);

        AssertDisjointAndInside(boxes);
        foreach (var box in boxes) Assert.DoesNotContain(points, box.Intersects);
        for (int i = 0; i < boxes.Length; i++)
        {
            var (nx, ny) = boxes[i].Nearest(anchors[i].Item1, anchors[i].Item2);
            Assert.True(Math.Sqrt(Math.Pow(nx - anchors[i].Item1, 2) + Math.Pow(ny - anchors[i].Item2, 2)) <= 90, $"label {i} is far from its point");
        }
    }

    [Fact]
    public void ALoneLabelSitsRightOfItsPointJustClearOfIt()
    {
        var point = PixelBox.Around(300, 300, 10, 10);
        var box = LabelPlacement.Place([(300.0, 300.0)], [(50.0, 16.0)], Area, [point]).Single();
        Assert.False(box.Intersects(point));
        Assert.Equal(300, box.Top + (box.Height / 2), 6); // vertically centred on the point
        Assert.InRange(box.Left, 305, 312); // just right of the marker
    }

    [Fact]
    public void NoRoomOrMismatchedInputIsAClearError()
    {
        var tiny = new PixelBox(0, 0, 100, 20);
        var full = Assert.Throws<InvalidOperationException>(() => LabelPlacement.Place([(50.0, 10.0), (50.0, 10.0)], [(100.0, 20.0), (100.0, 20.0)], tiny, []));
        Assert.Contains("no room for label 2 of 2", full.Message);
        Assert.Throws<ArgumentException>(() => LabelPlacement.Place([(1.0, 1.0)], [], Area, []));
    }
}
