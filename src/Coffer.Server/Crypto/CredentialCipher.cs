using System.Text;

namespace Coffer.Server.Crypto;

/// <summary>
/// Seals credentials an auth method keeps to do its work (a token reviewer's JWT, a bind password) under the
/// <see cref="KeyPurposes.AuthMethodCredentials"/> server key. The associated data names the row and the field, so a
/// sealed value copied to another row or column does not open.
/// </summary>
public sealed class CredentialCipher(DataKey key)
{
    public byte[] Seal(string rowId, string field, string plaintext) => key.Seal(plaintext, Aad(rowId, field));

    public string Open(string rowId, string field, byte[] sealedData) => key.OpenString(sealedData, Aad(rowId, field));

    private static byte[] Aad(string rowId, string field) => Encoding.UTF8.GetBytes($"auth-method-credential\n{rowId}\n{field}");

    /// <summary>From the raw server key (copied; the caller zeroes its own).</summary>
    public static CredentialCipher FromKey(byte[] rawKey) => new(new DataKey(rawKey));
}
