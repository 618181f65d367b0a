using System.Buffers;

namespace Coffer.Server.Features.Secrets;

/// <summary>The characters a new secret name may use: the ones references resolve over (see docs/compatibility.md).</summary>
public static class SecretNames
{
    public const string Rule = "Secret name can only contain letters (A-Z, a-z), digits, underscores, hyphens and dots.";

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.");

    public static bool IsAllowed(string name) => name.Length > 0 && !name.AsSpan().ContainsAnyExcept(Allowed);
}
