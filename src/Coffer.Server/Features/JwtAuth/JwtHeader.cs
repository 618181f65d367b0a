using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Coffer.Server.Features.JwtAuth;

/// <summary>A JWT's header read without trusting it: only to pick the key (<c>kid</c>) the signature is then checked with.</summary>
public static class JwtHeader
{
    /// <summary>The <c>kid</c> (null inside when the header names none), or null when the token is not a JWT at all.</summary>
    public static StrongBox<string?>? Kid(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3) return null;
        try
        {
            if (JsonNode.Parse(Base64Url.DecodeFromChars(parts[0])) is not JsonObject header) return null;
            return new StrongBox<string?>(header["kid"] is JsonValue v && v.TryGetValue<string>(out var kid) ? kid : null);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }
}
