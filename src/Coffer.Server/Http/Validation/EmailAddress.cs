using System.Text.RegularExpressions;

namespace Coffer.Server.Http.Validation;

/// <summary>The same shape of address zod's <c>.email()</c> accepts (local@domain.tld, no spaces or quotes).</summary>
public static partial class EmailAddress
{
    public static bool IsValid(string value) => Pattern().IsMatch(value);

    [GeneratedRegex(@"^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-\.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$")]
    private static partial Regex Pattern();
}
