using Coffer.Server.Crypto;

namespace Coffer.Server.Features.Secrets;

/// <summary>
/// Encrypts one field of one secret version. The associated data names the project, the secret, its version and the
/// field, so a ciphertext moved to another row, another version or another column does not open. A version row of
/// the history stores the very same blob as the secret row it was copied from.
/// </summary>
public static class SecretCrypto
{
    public const string Value = "value";
    public const string Comment = "comment";
    public const string Metadata = "metadata";

    public static byte[] Seal(DataKey key, string projectId, string secretId, long version, string field, string plaintext)
    {
        var length = AadLength(projectId, secretId, version, field);
        var aad = WriteAad(length <= StackLimit ? stackalloc byte[StackLimit] : new byte[length], projectId, secretId, version, field);
        return key.Seal(plaintext, aad);
    }

    public static string Open(DataKey key, string projectId, string secretId, long version, string field, byte[] sealedData)
    {
        var length = AadLength(projectId, secretId, version, field);
        var aad = WriteAad(length <= StackLimit ? stackalloc byte[StackLimit] : new byte[length], projectId, secretId, version, field);
        return key.OpenString(sealedData, aad);
    }

    /// <summary>
    /// Null stays null (an absent comment or metadata list), and so does empty: an empty field has nothing to protect (a
    /// sealed empty string has a length that says so anyway), while sealing it costs a decryption on every read of the
    /// secret — most comments are empty, and a list of 100 secrets paid 100 of them. Readers map null to empty.
    /// </summary>
    public static byte[]? SealOptional(DataKey key, string projectId, string secretId, long version, string field, string? plaintext) =>
        string.IsNullOrEmpty(plaintext) ? null : Seal(key, projectId, secretId, version, field, plaintext);

    public static string? OpenOptional(DataKey key, string projectId, string secretId, long version, string field, byte[]? sealedData) =>
        sealedData is null ? null : Open(key, projectId, secretId, version, field, sealedData);

    /// <summary>Binary material (a KMS key version) sealed the same way; <paramref name="ownerId"/> names its row.</summary>
    public static byte[] SealBytes(DataKey key, string projectId, string ownerId, long version, string field, ReadOnlySpan<byte> plaintext)
    {
        var length = AadLength(projectId, ownerId, version, field);
        var aad = WriteAad(length <= StackLimit ? stackalloc byte[StackLimit] : new byte[length], projectId, ownerId, version, field);
        return key.Seal(plaintext, aad);
    }

    /// <summary>The bytes <see cref="SealBytes"/> sealed; the caller zeroes them when done.</summary>
    public static byte[] OpenBytes(DataKey key, string projectId, string ownerId, long version, string field, ReadOnlySpan<byte> sealedData)
    {
        var length = AadLength(projectId, ownerId, version, field);
        var aad = WriteAad(length <= StackLimit ? stackalloc byte[StackLimit] : new byte[length], projectId, ownerId, version, field);
        return key.Open(sealedData, aad);
    }

    /// <summary>A sealed field under another data key, its plaintext held only as bytes, zeroed at once (a data-key rotation).</summary>
    public static byte[] Reseal(DataKey from, DataKey to, string projectId, string ownerId, long version, string field, byte[] sealedData)
    {
        var plaintext = OpenBytes(from, projectId, ownerId, version, field, sealedData);
        try
        {
            return SealBytes(to, projectId, ownerId, version, field, plaintext);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private const string Label = "coffer-secret";

    // Every listed secret is opened with its own associated data: built on the stack, not in a fresh array each time.
    private const int StackLimit = 256;

    private static int AadLength(string projectId, string secretId, long version, string field) =>
        AssociatedData.LengthOf(Label) + AssociatedData.LengthOf(projectId) + AssociatedData.LengthOf(secretId) +
        AssociatedData.LengthOf(version) + AssociatedData.LengthOf(field);

    private static ReadOnlySpan<byte> WriteAad(Span<byte> buffer, string projectId, string secretId, long version, string field)
    {
        var aad = new AssociatedDataWriter(buffer);
        aad.Add(Label);
        aad.Add(projectId);
        aad.Add(secretId);
        aad.Add(version);
        aad.Add(field);
        return aad.Written;
    }
}
