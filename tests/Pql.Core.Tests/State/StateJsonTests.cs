using Pql.Core.Scoring;
using Pql.Core.State;

namespace Pql.Core.Tests.State;

public sealed class StateJsonTests
{
    [Fact]
    public void Drivers_with_a_missing_value_round_trip_as_null()
    {
        Driver[] drivers = [new("activity.days_since_last_event", double.NaN, -0.25), new("adoption.products_adopted", 3, 0.5)];

        var json = StateJson.Drivers(drivers);
        var back = StateJson.ParseDrivers(json);

        Assert.Contains("\"value\":null", json);
        Assert.True(double.IsNaN(back[0].Value));
        Assert.Equal(-0.25, back[0].Contribution);
        Assert.Equal(3, back[1].Value);
    }
}
