using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Coffer.Server.Features.DynamicSecrets.Providers;

/// <summary>Leased users' names and passwords, as Infisical makes them, from the system's cryptographic RNG.</summary>
public static partial class Credentials
{
    private const string Alphanumeric = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const string Lowercase = "abcdefghijklmnopqrstuvwxyz";
    private const string Uppercase = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string Digits = "0123456789";
    public const string DefaultSymbols = "-_.~!*";

    /// <summary>
    /// A lease's user name: 32 random alphanumerics, or the dynamic secret's <c>usernameTemplate</c> filled with
    /// <c>randomUsername</c>, <c>unixTimestamp</c> and <c>identity.name</c>. The result must be a plain identifier
    /// (letters, digits, <c>_</c>, <c>-</c>; at most 128), so it is safe inside every provider's statements.
    /// </summary>
    public static string Username(string? template, string identityName, long unixSeconds)
    {
        var random = RandomString(Alphanumeric, 32);
        if (string.IsNullOrEmpty(template)) return random;
        var name = StatementTemplate.Fill(template, new Dictionary<string, string>
        {
            ["randomUsername"] = random,
            ["unixTimestamp"] = unixSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["identity.name"] = identityName,
        });
        if (!SafeUsername().IsMatch(name))
            throw new BadRequestException(
                "Generated username contains unsupported characters; only letters, digits, underscore and hyphen are allowed");
        return name;
    }

    /// <summary>Infisical's SQL password rules: required counts of each class, the rest from the required classes, shuffled.</summary>
    public static string Password(PasswordRules rules)
    {
        var parts = new List<char>(rules.Length);
        var pool = new StringBuilder();
        void Take(string chars, int count)
        {
            if (count <= 0) return;
            for (var i = 0; i < count; i++) parts.Add(chars[RandomNumberGenerator.GetInt32(chars.Length)]);
            pool.Append(chars);
        }
        Take(Lowercase, rules.Lowercase);
        Take(Uppercase, rules.Uppercase);
        Take(Digits, rules.Digits);
        Take(string.IsNullOrEmpty(rules.AllowedSymbols) ? DefaultSymbols : rules.AllowedSymbols, rules.Symbols);
        var all = pool.ToString();
        for (var i = parts.Count; i < rules.Length; i++) parts.Add(all[RandomNumberGenerator.GetInt32(all.Length)]);
        for (var i = parts.Count - 1; i > 0; i--)
        {
            var j = RandomNumberGenerator.GetInt32(i + 1);
            (parts[i], parts[j]) = (parts[j], parts[i]);
        }
        return new string([.. parts]);
    }

    public static string RandomString(string alphabet, int length) => RandomNumberGenerator.GetString(alphabet, length);

    [GeneratedRegex("^[A-Za-z0-9_-]{1,128}$")]
    private static partial Regex SafeUsername();
}

/// <summary>Infisical's <c>passwordRequirements</c> (defaults: 48 characters, at least one lower, upper and digit).</summary>
public sealed record PasswordRules(int Length, int Lowercase, int Uppercase, int Digits, int Symbols, string? AllowedSymbols)
{
    public static readonly PasswordRules Default = new(48, 1, 1, 1, 0, Credentials.DefaultSymbols);

    public static PasswordRules From(JsonObject? json)
    {
        if (json is null) return Default;
        var required = json["required"] as JsonObject;
        int Count(string name) => required?[name]?.GetValue<int>() ?? 0;
        return new PasswordRules(json["length"]!.GetValue<int>(), Count("lowercase"), Count("uppercase"), Count("digits"), Count("symbols"),
            json["allowedSymbols"]?.GetValue<string>());
    }
}
