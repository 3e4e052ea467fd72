using Pql.Core.Ingest;

namespace Pql.Core.Tests.Ingest;

/// <summary>
/// The event-id set is sized up front from a row estimate that may be high or low: whatever was reserved, every id must be
/// answered new or duplicate exactly as a set that grew from empty answers it.
/// </summary>
public sealed class EventIdSetTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1_000)]
    [InlineData(40_000)]
    [InlineData(1_000_000)]
    public void A_reserved_set_finds_the_same_duplicates_as_one_that_grew(int reserved)
    {
        var random = new Random(7);
        using var grown = new EventIdSet();
        using var sized = new EventIdSet();
        sized.Reserve(reserved);
        var duplicates = 0;
        for (var i = 0; i < 200_000; i++)
        {
            var id = random.Next(5) == 0 ? $"e{random.Next(i + 1)}" : $"e{i}";
            var isNew = grown.Add(id);
            Assert.Equal(isNew, sized.Add(id));
            duplicates += isNew ? 0 : 1;
        }
        Assert.Equal(grown.Count, sized.Count);
        Assert.True(duplicates > 10_000, $"only {duplicates} duplicates");
    }
}
