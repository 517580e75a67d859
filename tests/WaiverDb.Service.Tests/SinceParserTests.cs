using System.Globalization;
using WaiverDb.Contracts;

namespace WaiverDb.Service.Tests;

public sealed class SinceParserTests
{
    private static DateTime Utc(string text) =>
        DateTime.ParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture, DateTimeStyles.None);

    [Theory]
    [InlineData("2020-03-04", "2020-03-04T00:00:00")]
    [InlineData("2020-03-04T05", "2020-03-04T05:00:00")]
    [InlineData("2020-03-04T05:06", "2020-03-04T05:06:00")]
    [InlineData("2020-03-04T05:06:07", "2020-03-04T05:06:07")]
    [InlineData("2020-03-04 05:06:07", "2020-03-04T05:06:07")]
    [InlineData("2020-03-04T05:06:07.5", "2020-03-04T05:06:07.5")]
    [InlineData("2020-03-04T05:06:07.123456", "2020-03-04T05:06:07.123456")]
    [InlineData("2020-03-04T05:06:07,25", "2020-03-04T05:06:07.25")]
    public void DatetimesWithoutAnOffsetAreTakenAsUtc(string text, string expected)
    {
        Assert.True(SinceParser.TryParseDateTime(text, out var value));

        Assert.Equal(Utc(expected), value);
        Assert.Equal(DateTimeKind.Unspecified, value.Kind);
    }

    [Theory]
    [InlineData("2020-03-04T05:06:07.1234567", "2020-03-04T05:06:07.123456")]
    [InlineData("2020-03-04T05:06:07.123456999", "2020-03-04T05:06:07.123456")]
    [InlineData("2020-03-04T05:06:07.9999999", "2020-03-04T05:06:07.999999")]
    public void FractionsAreTruncatedToMicroseconds(string text, string expected)
    {
        Assert.True(SinceParser.TryParseDateTime(text, out var value));

        Assert.Equal(Utc(expected), value);
        Assert.Equal(0, value.Ticks % 10);
    }

    [Theory]
    [InlineData("2020-03-04T05:06:07Z", "2020-03-04T05:06:07")]
    [InlineData("2020-03-04T05:06:07+00:00", "2020-03-04T05:06:07")]
    [InlineData("2020-03-04T05:06:07+02:00", "2020-03-04T03:06:07")]
    [InlineData("2020-03-04T05:06:07-05:30", "2020-03-04T10:36:07")]
    [InlineData("2020-03-04T05:06:07+0130", "2020-03-04T03:36:07")]
    [InlineData("2020-03-04T05:06:07-03", "2020-03-04T08:06:07")]
    [InlineData("2020-01-01T00:30:00+01:00", "2019-12-31T23:30:00")]
    [InlineData("2020-03-04T05:06:07.25+02:00", "2020-03-04T03:06:07.25")]
    public void OffsetsAreConvertedToUtc(string text, string expected)
    {
        Assert.True(SinceParser.TryParseDateTime(text, out var value));

        Assert.Equal(Utc(expected), value);
    }

    [Theory]
    [InlineData("2020-02-30")]
    [InlineData("2021-02-29")]
    [InlineData("2020-13-01")]
    [InlineData("2020-00-10")]
    [InlineData("2020-04-31T00:00:00")]
    [InlineData("2020-01-01T24:00:00")]
    [InlineData("2020-01-01T10:60:00")]
    [InlineData("2020-01-01T10:00:60")]
    [InlineData("2020-01-01T10:00:00+24:00")]
    [InlineData("2020-01-01T10:00:00+01:60")]
    [InlineData("0000-01-01")]
    [InlineData("0001-01-01T00:00:00+01:00")]
    [InlineData("yesterday")]
    [InlineData("")]
    [InlineData("2020-1-1")]
    [InlineData("2020-01-01T")]
    [InlineData("2020-01-01T10:00:00 ")]
    [InlineData("2020-01-01\n")]
    [InlineData("2020-01-01T10:00:00.")]
    [InlineData("١٢٣٤-01-01")]
    public void InvalidDatetimesAreRefused(string text)
    {
        Assert.False(SinceParser.TryParseDateTime(text, out _));
    }

    [Fact]
    public void ALeapDayIsAValidDate()
    {
        Assert.True(SinceParser.TryParseDateTime("2020-02-29", out var value));
        Assert.Equal(new DateTime(2020, 2, 29), value);
    }

    [Fact]
    public void OneDatetimeIsAnOpenEndedLowerBound()
    {
        Assert.True(SinceParser.TryParse("2020-03-04T05:06:07", out var range, out var bad));

        Assert.Equal(new SinceRange(Utc("2020-03-04T05:06:07"), null), range);
        Assert.Equal(string.Empty, bad);
    }

    [Fact]
    public void TwoDatetimesSeparatedByACommaAreLowerAndUpperBounds()
    {
        Assert.True(SinceParser.TryParse("2020-03-04T05:06:07+01:00,2020-03-05", out var range, out _));

        Assert.Equal(new SinceRange(Utc("2020-03-04T04:06:07"), Utc("2020-03-05T00:00:00")), range);
    }

    [Theory]
    [InlineData("nope", "nope")]
    [InlineData("nope,2020-01-01", "nope")]
    [InlineData("2020-01-01,nope", "nope")]
    [InlineData("2020-02-30,2020-03-01", "2020-02-30")]
    public void TheBadPartIsReported(string since, string expectedBadPart)
    {
        Assert.False(SinceParser.TryParse(since, out var range, out var bad));

        Assert.Equal(expectedBadPart, bad);
        Assert.Equal(default, range);
    }

    [Theory]
    [InlineData("2020-01-01,", "2020-01-01T00:00:00", null)]
    [InlineData(",2020-01-01", null, "2020-01-01T00:00:00")]
    [InlineData("", null, null)]
    [InlineData(",", null, null)]
    public void AnEmptyPartLeavesThatEndOpenAsUpstream(string since, string? from, string? to)
    {
        Assert.True(SinceParser.TryParse(since, out var range, out _));

        Assert.Equal(new SinceRange(from is null ? null : Utc(from), to is null ? null : Utc(to)), range);
    }

    [Theory]
    [InlineData("2020-01-01,2020-01-02,2020-01-03")]
    [InlineData(",,")]
    public void MoreThanTwoPartsAreRefusedWhole(string since)
    {
        Assert.False(SinceParser.TryParse(since, out _, out var bad));

        Assert.Equal(since, bad);
    }
}
