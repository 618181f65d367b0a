using System.Security.Cryptography;
using System.Text;

namespace Coffer.Server.Http.Validation;

/// <summary>Infisical-style slugs: lower-case letters, digits and hyphens.</summary>
public static class Slugs
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    public static string Slugify(string text)
    {
        var sb = new StringBuilder(text.Length);
        var lastHyphen = true;
        foreach (var ch in text.Normalize(NormalizationForm.FormKD))
        {
            var c = char.ToLowerInvariant(ch);
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                sb.Append(c);
                lastHyphen = false;
            }
            else if (!lastHyphen && (char.IsWhiteSpace(c) || c is '-' or '_' or '.' or '/'))
            {
                sb.Append('-');
                lastHyphen = true;
            }
        }
        return sb.ToString().Trim('-');
    }

    /// <summary><c>slugify(name + "-" + 4 random alphanumerics)</c>, as Infisical names new orgs and projects.</summary>
    public static string WithSuffix(string name)
    {
        var baseSlug = Slugify(name);
        if (baseSlug.Length > 31) baseSlug = baseSlug[..31].TrimEnd('-');
        var suffix = RandomNumberGenerator.GetString(Alphabet, 4);
        return baseSlug.Length == 0 ? suffix : $"{baseSlug}-{suffix}";
    }
}
