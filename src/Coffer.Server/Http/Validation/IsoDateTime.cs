using System.Globalization;
using System.Text.RegularExpressions;

namespace Coffer.Server.Http.Validation;

/// <summary>zod's <c>.datetime()</c>: ISO-8601 in UTC with a Z, optional fractional seconds, no offset.</summary>
public static partial class IsoDateTime
{
    public static bool TryParseUtc(string text, out DateTime utc)
    {
        utc = default;
        return Pattern().IsMatch(text) &&
            DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out utc);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")]
    private static partial Regex Pattern();
}
