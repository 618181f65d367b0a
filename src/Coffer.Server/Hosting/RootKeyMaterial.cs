using System.Security.Cryptography;
using System.Text;

namespace Coffer.Server.Hosting;

/// <summary>Turns ROOT_ENCRYPTION_KEY (base64, 32 bytes) or Infisical's ENCRYPTION_KEY (32 hex chars) into a 32-byte key.</summary>
public static class RootKeyMaterial
{
    public static byte[] Parse(string? rootEncryptionKeyBase64, string? encryptionKeyHex)
    {
        if (rootEncryptionKeyBase64 is not null)
        {
            byte[] key;
            try { key = Convert.FromBase64String(rootEncryptionKeyBase64); }
            catch (FormatException) { throw new ConfigurationException("ROOT_ENCRYPTION_KEY must be base64 of exactly 32 random bytes (openssl rand -base64 32)."); }
            if (key.Length != 32)
                throw new ConfigurationException("ROOT_ENCRYPTION_KEY must be base64 of exactly 32 random bytes (openssl rand -base64 32).");
            return key;
        }

        if (encryptionKeyHex is null || encryptionKeyHex.Length != 32 || !encryptionKeyHex.All(Uri.IsHexDigit))
            throw new ConfigurationException("ENCRYPTION_KEY must be 32 hexadecimal characters (openssl rand -hex 16).");
        // Infisical's key is 128-bit; stretch it to a 256-bit AES key with a fixed label so the same value always gives the same key.
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, Convert.FromHexString(encryptionKeyHex), 32,
            salt: [], info: Encoding.ASCII.GetBytes("coffer/root-key/from-ENCRYPTION_KEY"));
    }
}
