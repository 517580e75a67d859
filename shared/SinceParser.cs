using System.Globalization;
using System.Text.RegularExpressions;

namespace WaiverDb.Contracts;

/// <summary>An inclusive range of UTC timestamps; either end may be open.</summary>
public readonly record struct SinceRange(DateTime? From, DateTime? To);

/// <summary>
/// Parses the <c>since</c> filter: one ISO-8601 datetime (lower bound) or two separated
/// by one comma (lower, upper), both inclusive. Datetimes with an offset are converted to
/// UTC; those without one are taken as UTC, which is how waivers are stored.
/// </summary>
public static partial class SinceParser
{
    /// <summary>
    /// Parses <paramref name="since"/>; on failure <paramref name="badPart"/> is the part that
    /// did not parse. As upstream, an empty part leaves that end open (<c>,2020-01-02</c> is
    /// an upper bound only); an empty string is no range at all.
    /// </summary>
    public static bool TryParse(string since, out SinceRange range, out string badPart)
    {
        ArgumentNullException.ThrowIfNull(since);
        range = default;
        badPart = string.Empty;
        var parts = since.Split(',');
        if (parts.Length > 2)
        {
            badPart = since;
            return false;
        }

        DateTime? from = null, to = null;
        if (parts[0].Length > 0)
        {
            if (!TryParseDateTime(parts[0], out var lower))
            {
                badPart = parts[0];
                return false;
            }

            from = lower;
        }

        if (parts.Length == 2 && parts[1].Length > 0)
        {
            if (!TryParseDateTime(parts[1], out var upper))
            {
                badPart = parts[1];
                return false;
            }

            to = upper;
        }

        range = new SinceRange(from, to);
        return true;
    }

    /// <summary>
    /// Parses one ISO-8601 datetime as Python's <c>datetime.fromisoformat</c> does for the
    /// extended format: a date, optionally a time (hours, minutes, seconds, a fraction of
    /// any length truncated to microseconds) and an offset (<c>Z</c>, <c>±HH</c>,
    /// <c>±HH:MM</c>, <c>±HHMM</c>). The result is UTC with <see cref="DateTimeKind.Unspecified"/>,
    /// matching the database's <c>timestamp without time zone</c>.
    /// </summary>
    public static bool TryParseDateTime(string text, out DateTime value)
    {
        value = default;
        var match = IsoDateTime().Match(text);
        if (!match.Success)
        {
            return false;
        }

        int Group(string name) => match.Groups[name].Success
            ? int.Parse(match.Groups[name].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture)
            : 0;

        int year = Group("y"), month = Group("mo"), day = Group("d");
        int hour = Group("h"), minute = Group("mi"), second = Group("s");
        if (month is < 1 or > 12 || day < 1 || year < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        long ticks = 0;
        if (match.Groups["f"].Success)
        {
            // Microseconds are what PostgreSQL keeps; digits past the sixth are dropped.
            var fraction = match.Groups["f"].Value.PadRight(7, '0')[..7];
            ticks = long.Parse(fraction, NumberStyles.None, CultureInfo.InvariantCulture) / 10 * 10;
        }

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(ticks);
        var offset = TimeSpan.Zero;
        if (match.Groups["oh"].Success)
        {
            var hours = Group("oh");
            var minutes = Group("om");
            if (hours > 23 || minutes > 59)
            {
                return false;
            }

            offset = new TimeSpan(hours, minutes, 0);
            if (match.Groups["sign"].Value == "-")
            {
                offset = -offset;
            }
        }

        try
        {
            value = DateTime.SpecifyKind(local - offset, DateTimeKind.Unspecified);
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }

        return true;
    }

    // [0-9], not \d, which also matches other scripts' digits that int.Parse then refuses;
    // \z, not $, which would also accept a trailing newline.
    [GeneratedRegex(
        @"^(?<y>[0-9]{4})-(?<mo>[0-9]{2})-(?<d>[0-9]{2})" +
        @"(?:[T ](?<h>[0-9]{2})(?::(?<mi>[0-9]{2})(?::(?<s>[0-9]{2})(?:[.,](?<f>[0-9]+))?)?)?" +
        @"(?:Z|(?<sign>[+-])(?<oh>[0-9]{2})(?::?(?<om>[0-9]{2}))?)?)?\z",
        RegexOptions.CultureInvariant)]
    private static partial Regex IsoDateTime();
}
