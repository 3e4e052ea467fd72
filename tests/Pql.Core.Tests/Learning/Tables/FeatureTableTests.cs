using Pql.Core.Features;
using Pql.Core.Ingest;
using Pql.Core.Learning.Tables;

namespace Pql.Core.Tests.Learning.Tables;

public sealed class FeatureTableTests
{
    [Fact]
    public void Read_infers_numeric_and_categorical_columns_and_passes_ids_through()
    {
        var train = Temp("id,x,city,y\na1,1.5,paris,1\na2,,\"new york, ny\",0\na3,3,paris,yes\n");
        var test = Temp("id,x,city,y\nb1,2,berlin,0\nb2,oops,paris,1\n");

        var t = FeatureTable.Read(train, "y", "id");
        var s = FeatureTable.Read(test, "y", "id", t.Features);
        File.Delete(train);
        File.Delete(test);

        Assert.Equal(["a1", "a2", "a3"], t.Ids);
        Assert.Equal(new byte[] { 1, 0, 1 }, t.Labels);
        var x = t.Features.Columns[0];
        Assert.Equal(FeatureKind.Numeric, x.Kind);
        Assert.True(float.IsNaN(x.Values[1]));
        var city = t.Features.Columns[1];
        Assert.Equal(FeatureKind.Categorical, city.Kind);
        Assert.Equal(["paris", "new york, ny"], city.Levels);
        Assert.Equal(new float[] { 0, 1, 0 }, city.Values);
        // test: unseen level and unparsable number become missing; levels stay the training ones
        Assert.True(float.IsNaN(s.Features.Columns[1].Values[0]));
        Assert.Equal(0f, s.Features.Columns[1].Values[1]);
        Assert.True(float.IsNaN(s.Features.Columns[0].Values[1]));
    }

    [Fact]
    public void Read_bad_label_names_the_line()
    {
        var path = Temp("x,y\n1,0\n2,maybe\n");

        var ex = Assert.Throws<DataLoadException>(() => FeatureTable.Read(path, "y", null));
        File.Delete(path);

        Assert.Contains("line 3", ex.Message);
        Assert.Contains("maybe", ex.Message);
    }

    private static string Temp(string content)
    {
        var path = Path.Combine(Path.GetTempPath(), $"pql-table-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, content);
        return path;
    }
}
