using Coffer.Server.Data;

namespace Coffer.Server.Features.Kms;

/// <summary>A key as Infisical's <c>CmekSchema</c> shows it (<c>algorithm</c> is the newer name of <c>encryptionAlgorithm</c>).</summary>
public sealed record KmsKeyDto(string Id, string? Description, bool IsDisabled, string OrgId, string Name, DateTime CreatedAt, DateTime UpdatedAt,
    string ProjectId, string KeyUsage, long Version, string EncryptionAlgorithm, string Algorithm)
{
    public static KmsKeyDto From(KmsKeyRow r) =>
        new(r.Id, r.Description, r.IsDisabled, r.OrgId, r.Name, UnixMs.ToUtc(r.CreatedAt), UnixMs.ToUtc(r.UpdatedAt), r.ProjectId, r.KeyUsage,
            r.Version, r.Algorithm, r.Algorithm);
}

public sealed record KmsKeyResponse(KmsKeyDto Key);

public sealed record KmsKeyList(IReadOnlyList<KmsKeyDto> Keys, long TotalCount);

public sealed record CiphertextResponse(string Ciphertext);

public sealed record PlaintextResponse(string Plaintext);

/// <summary>Coffer's own: the version a key decrypts from, and what the key is now.</summary>
public sealed record MinDecryptionVersionResponse(KmsKeyDto Key, long MinDecryptionVersion);

public sealed record CreateKmsKeyRequest(string ProjectId, string Name, string? Description, string KeyUsage, string Algorithm);

public sealed record SignResponse(string Signature, string KeyId, string SigningAlgorithm);

public sealed record VerifyResponse(bool SignatureValid, string KeyId, string SigningAlgorithm);

public sealed record PublicKeyResponse(string PublicKey);

public sealed record SigningAlgorithmsResponse(IReadOnlyList<string> SigningAlgorithms);
