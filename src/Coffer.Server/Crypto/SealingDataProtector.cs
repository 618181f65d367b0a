using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace Coffer.Server.Crypto;

/// <summary>
/// ASP.NET's data protection (what antiforgery tokens are sealed with) on one AES-256-GCM server key kept wrapped in the
/// database, so every instance reads every other's tokens and nothing is written to the file system. The purpose chain is
/// the associated data, so a token sealed for one purpose does not open for another.
/// </summary>
public sealed class SealingDataProtector : IDataProtector
{
    private readonly Lazy<DataKey> _key;
    private readonly string _purposes;
    private readonly byte[] _associatedData;

    private SealingDataProtector(Lazy<DataKey> key, string purposes)
    {
        _key = key;
        _purposes = purposes;
        _associatedData = Encoding.UTF8.GetBytes("coffer-data-protection\n" + purposes);
    }

    /// <summary>
    /// The key is loaded on the first seal or open: services ask for protectors while the host is built, before the
    /// schema that holds the key exists.
    /// </summary>
    public static IDataProtectionProvider FromKey(Func<byte[]> loadKey) =>
        new SealingDataProtector(new Lazy<DataKey>(() =>
        {
            var raw = loadKey();
            try
            {
                return new DataKey(raw);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(raw);
            }
        }), "");

    public IDataProtector CreateProtector(string purpose)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        // A length prefix keeps ("a\nb") and ("a", "b") apart.
        return new SealingDataProtector(_key, $"{_purposes}{purpose.Length}:{purpose}\n");
    }

    public byte[] Protect(byte[] plaintext) => _key.Value.Seal(plaintext, _associatedData);

    public byte[] Unprotect(byte[] protectedData)
    {
        try
        {
            return _key.Value.Open(protectedData, _associatedData);
        }
        catch (CryptographicException)
        {
            throw new CryptographicException("The payload was not protected by this server for this purpose.");
        }
    }
}
