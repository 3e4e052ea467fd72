using Pql.Core.Features;

namespace Pql.Core.Tests.Features;

public sealed class ColumnPruningTests
{
    private static FeatureColumn Col(string name, params float[] v) => new() { Name = name, Values = v };

    [Fact]
    public void Constant_and_duplicate_columns_are_left_out_unless_kept_by_name()
    {
        var m = new FeatureMatrix
        {
            RowCount = 3,
            Columns =
            [
                Col("a", 1, 2, 3),
                Col("constant", 4, 4, 4),
                Col("all_missing", float.NaN, float.NaN, float.NaN),
                Col("copy_of_a", 1, 2, 3),
                Col("missing_differs", float.NaN, 4, 4),
                Col("rule_input", 7, 7, 7),
            ],
        };

        var (pruned, dropped) = ColumnPruning.DropUninformative(m, new HashSet<string> { "rule_input" });

        Assert.Equal(["a", "missing_differs", "rule_input"], pruned.Columns.Select(c => c.Name));
        Assert.Equal(["constant", "all_missing", "copy_of_a"], dropped);
        Assert.Equal(3, pruned.RowCount);
    }
}
