using System.Globalization;
using System.Text.RegularExpressions;

namespace Coffer.Server.Http.Validation;

/// <summary>
/// The durations Infisical reads with the <c>ms</c> package ("1h", "2d", "30m", "1.5 hours", "500"): milliseconds,
/// or null when the text is not a duration. An empty string is a 400 as in Infisical ("Invalid date format string: ").
/// </summary>
public static partial class Duration
{
    public static double? ParseMilliseconds(string text)
    {
        if (text.Length == 0) throw new BadRequestException("Invalid date format string: ");
        if (text.Length > 100) return null;
        var m = Pattern().Match(text);
        if (!m.Success) return null;
        var n = double.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
        var unit = m.Groups["unit"].Value.ToLowerInvariant();
        double factor = unit switch
        {
            "years" or "year" or "yrs" or "yr" or "y" => 365.25 * 86_400_000,
            "weeks" or "week" or "w" => 7 * 86_400_000d,
            "days" or "day" or "d" => 86_400_000,
            "hours" or "hour" or "hrs" or "hr" or "h" => 3_600_000,
            "minutes" or "minute" or "mins" or "min" or "m" => 60_000,
            "seconds" or "second" or "secs" or "sec" or "s" => 1000,
            "milliseconds" or "millisecond" or "msecs" or "msec" or "ms" or "" => 1,
            _ => double.NaN,
        };
        return double.IsNaN(factor) ? null : n * factor;
    }

    [GeneratedRegex(@"^(?<n>-?\d*\.?\d+) *(?<unit>milliseconds?|msecs?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w|years?|yrs?|y)?$", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();
}
