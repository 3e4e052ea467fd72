using Pql.Core.Events;

namespace Pql.Core.Tests.Events;

public sealed class TimestampsTests
{
    [Theory]
    [InlineData("2026-03-01", "2026-03-01T00:00:00+00:00")]
    [InlineData("2026-03-01T12:34:56Z", "2026-03-01T12:34:56+00:00")]
    [InlineData("2026-03-01 12:34:56", "2026-03-01T12:34:56+00:00")]
    [InlineData("2026-03-01T12:34", "2026-03-01T12:34:00+00:00")]
    [InlineData("2026-03-01T12:34:56.789Z", "2026-03-01T12:34:56.789+00:00")]
    [InlineData("2026-03-01T12:34:56+02:00", "2026-03-01T10:34:56+00:00")]
    [InlineData("2026-03-01T12:34:56-0530", "2026-03-01T18:04:56+00:00")]
    [InlineData("2024-02-29T00:00:00Z", "2024-02-29T00:00:00+00:00")]
    [InlineData("1969-12-31T23:59:59Z", "1969-12-31T23:59:59+00:00")]
    [InlineData("2000-02-29T23:59:60Z", "2000-03-01T00:00:00+00:00")]
    [InlineData(" 2026-10-19T02:25:03Z ", "2026-10-19T02:25:03+00:00")]
    [InlineData("2026-10-19t02:25:03z", "2026-10-19T02:25:03+00:00")]
    public void TryParseIso_matches_the_framework_parser(string text, string expected)
    {
        Assert.True(Timestamps.TryParseIso(text, out var ms));

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(), ms);
    }

    [Theory]
    [InlineData("03/01/26")]
    [InlineData("2026-13-01")]
    [InlineData("2023-02-29")]
    [InlineData("2026-03-01T25:00")]
    [InlineData("2026-03-01T12:00:00Zjunk")]
    [InlineData("2026-03-01T12:00:0/Z")]
    [InlineData("2026-03-01T12:00::0Z")]
    [InlineData("2026-0a-01T12:00:00Z")]
    [InlineData("1900-02-29T12:00:00Z")]
    [InlineData("2026-04-31T12:00:00Z")]
    [InlineData("2026-03-01T24:00:00Z")]
    [InlineData("2026-03-01T12:60:00Z")]
    [InlineData("2026-03-01T12:00:61Z")]
    [InlineData("2026-03-00T12:00:00Z")]
    [InlineData("")]
    [InlineData("1541106106796")]
    public void TryParseIso_rejects_what_is_not_iso(string text)
    {
        Assert.False(Timestamps.TryParseIso(text, out _));
    }
}
