using Pql.Core.Features;
using Pql.Core.Workspace;
using static Pql.Core.Tests.Features.TestLog;

namespace Pql.Core.Tests.Features;

public sealed class FeatureCsvTests
{
    [Fact]
    public void Write_puts_ids_cutoff_label_then_features_with_levels_and_empty_missing()
    {
        var store = new TestLog()
            .Account("a,1", T - 10 * Day, ("segment", "smb")).User("u1", "a,1", T - 10 * Day)
            .Add("a,1", "u1", T - 1 * Day, "doc_created", "docs")
            .Build();
        var matrix = new FeatureEngine(store, FeatureConfig.Default, null).Build(EntityKind.Account, [0], [T]);
        var writer = new StringWriter();

        FeatureCsv.Write(writer, matrix, store, EntityKind.Account, [1]);

        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        Assert.Equal(["entity_id", "cutoff", "label"], header[..3]);
        Assert.Equal(matrix.ColumnCount + 3, header.Length);
        Assert.StartsWith("\"a,1\",2026-03-01T12:00:00Z,1,", lines[1], StringComparison.Ordinal);
        var cells = lines[1].Replace("\"a,1\"", "a", StringComparison.Ordinal).Split(',');
        Assert.Equal("docs", cells[Array.IndexOf(header, "adoption.first_product")]);
        Assert.Equal("smb", cells[Array.IndexOf(header, "firmo.segment")]);
        Assert.Equal("", cells[Array.IndexOf(header, "adoption.second_product")]);
        Assert.Equal("1", cells[Array.IndexOf(header, "activity.events_7d")]);
    }
}
