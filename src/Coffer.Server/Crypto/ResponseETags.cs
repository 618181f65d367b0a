using System.Security.Cryptography;

namespace Coffer.Server.Crypto;

/// <summary>
/// The strong ETag of a response body: HMAC-SHA256 of the body, truncated to 128 bits, under a key derived (HKDF) from
/// the root key. A MAC, so a tag reveals nothing of the body and no one without the key can make two bodies share one;
/// derived from the root key, so every instance sharing a database, on any CPU, and a restarted server give a body the
/// same tag (Infisical's CLI restarts a watched process when the tag changes).
/// </summary>
public sealed class ResponseETags : IDisposable
{
    private const int TagSize = 16;
    private readonly byte[] _key = GC.AllocateUninitializedArray<byte>(HMACSHA256.HashSizeInBytes, pinned: true);

    public ResponseETags(RootKey root)
    {
        ArgumentNullException.ThrowIfNull(root);
        root.DeriveSubkey(KeyPurposes.ResponseETag, _key);
    }

    /// <summary>The tag as an ETag header value: 32 lowercase hex digits in quotes.</summary>
    public string ETag(ReadOnlySpan<byte> body)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, body, mac);
        return "\"" + Convert.ToHexStringLower(mac[..TagSize]) + "\"";
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_key);
}
