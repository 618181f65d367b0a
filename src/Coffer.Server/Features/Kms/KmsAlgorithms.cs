namespace Coffer.Server.Features.Kms;

/// <summary>Infisical's key usages and algorithms, spelled as its API spells them.</summary>
public static class KmsAlgorithms
{
    public const string EncryptDecrypt = "encrypt-decrypt";
    public const string SignVerify = "sign-verify";

    public const string Aes256Gcm = "aes-256-gcm";
    public const string Aes128Gcm = "aes-128-gcm";

    public const string Rsa4096 = "RSA_4096";
    public const string EccNistP256 = "ECC_NIST_P256";
    public const string EccNistP384 = "ECC_NIST_P384";
    public const string EccNistP521 = "ECC_NIST_P521";
    public const string EccNistEdwards25519 = "ECC_NIST_EDWARDS25519";

    public static readonly string[] Usages = [EncryptDecrypt, SignVerify];

    public static readonly string[] Symmetric = [Aes256Gcm, Aes128Gcm];

    public static readonly string[] Asymmetric = [Rsa4096, EccNistP256, EccNistP384, EccNistP521, EccNistEdwards25519];

    public static readonly string[] All = [.. Symmetric, .. Asymmetric];

    /// <summary>Infisical's signing algorithms for RSA keys, in its order.</summary>
    public static readonly string[] RsaSigning =
    [
        "RSASSA_PSS_SHA_512", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_256",
        "RSASSA_PKCS1_V1_5_SHA_512", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_256",
    ];

    /// <summary>Infisical's signing algorithms for NIST-curve keys, in its order.</summary>
    public static readonly string[] EcdsaSigning = ["ECDSA_SHA_512", "ECDSA_SHA_384", "ECDSA_SHA_256"];

    /// <summary>Infisical's Ed25519 algorithms: pure Ed25519, and Ed25519ph over SHA-512.</summary>
    public static readonly string[] Ed25519Signing = ["ED25519_SHA_512", "ED25519_PH_SHA_512"];

    public static readonly string[] Signing = [.. RsaSigning, .. EcdsaSigning, .. Ed25519Signing];

    /// <summary>The largest plaintext or data an operation takes (Infisical's 1 MiB).</summary>
    public const int MaxPayloadBytes = 1024 * 1024;

    /// <summary>A ciphertext may be a little longer than its plaintext: nonce, tag and version trailer.</summary>
    public const int MaxCiphertextBytes = MaxPayloadBytes + 1024;

    public const int MaxSignatureBytes = 8192;
}
