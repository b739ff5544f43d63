using RecallKit.Vision.Reports;
using RecallKit.Vision.RunFiles;
using RecallKit.Vision.Training;

namespace RecallKit.Tests.Reports;

public sealed class CsvTableTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("recallkit-csv-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void ColumnsAreReadByNameWhateverTheirPosition()
    {
        var path = Path.Combine(dir, "train_log.csv");
        File.WriteAllLines(path, [string.Join(',', LogColumns.TrainLog(["road", "bicycle, parked"])), "5,0.5,0.01,0.2,", "10,0.25,0.005,0.1,0.9"]);
        var table = CsvTable.Read(path);
        Assert.Equal([5.0, 10.0], table.Column(LogColumns.Step));
        Assert.Equal([0.5, 0.25], table.Column(LogColumns.Loss));
        var bicycle = table.Column(LogColumns.Weight("bicycle, parked"));
        Assert.True(double.IsNaN(bicycle[0]));
        Assert.Equal(0.9, bicycle[1]);
        Assert.Equal("w_bicycle__parked", LogColumns.Weight("bicycle, parked"));
    }

    [Fact]
    public void AMissingColumnOrARaggedRowNamesTheFile()
    {
        var path = Path.Combine(dir, "eval_log.csv");
        File.WriteAllLines(path, ["step,mean_iou", "5,0.5"]);
        var e = Assert.Throws<InvalidDataException>(() => CsvTable.Read(path).Column("top1"));
        Assert.Contains(path, e.Message);
        Assert.Contains("mean_iou", e.Message);
        File.WriteAllLines(path, ["step,mean_iou", "5,0.5,7"]);
        Assert.Contains($"{path}:2", Assert.Throws<InvalidDataException>(() => CsvTable.Read(path)).Message);
    }
}
