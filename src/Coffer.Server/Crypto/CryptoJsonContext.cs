using System.Text.Json.Serialization;

namespace Coffer.Server.Crypto;

/// <summary>Source-generated JSON for token payloads: no reflection on the hot path of every authenticated request.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IdentityTokenClaims))]
internal sealed partial class CryptoJsonContext : JsonSerializerContext;
