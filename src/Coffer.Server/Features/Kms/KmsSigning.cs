using System.Security.Cryptography;
using NSec.Cryptography;

namespace Coffer.Server.Features.Kms;

/// <summary>
/// Signing keys on the platform's RSA and ECDSA (OpenSSL underneath on Linux). Private keys are PKCS#8 DER and public
/// keys SubjectPublicKeyInfo DER, as Infisical exports them; ECDSA signatures are DER sequences, as OpenSSL (and so
/// Infisical) writes them; RSA-PSS uses a salt as long as the digest, as Infisical's. Ed25519 (pure, and Ed25519ph
/// over the message) comes from libsodium through NSec, the platform having none.
/// </summary>
public static class KmsSigning
{
    public const string Ed25519Pure = "ED25519_SHA_512";
    public const string Ed25519Prehash = "ED25519_PH_SHA_512";

    public static (byte[] PrivateKey, byte[] PublicKey) NewKey(string algorithm)
    {
        if (algorithm == KmsAlgorithms.EccNistEdwards25519)
        {
            using var key = Key.Create(NSec.Cryptography.SignatureAlgorithm.Ed25519,
                new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
            return (key.Export(KeyBlobFormat.PkixPrivateKey), key.PublicKey.Export(KeyBlobFormat.PkixPublicKey));
        }
        if (algorithm == KmsAlgorithms.Rsa4096)
        {
            using var rsa = RSA.Create(4096);
            return (rsa.ExportPkcs8PrivateKey(), rsa.ExportSubjectPublicKeyInfo());
        }
        using var ec = ECDsa.Create(CurveOf(algorithm));
        return (ec.ExportPkcs8PrivateKey(), ec.ExportSubjectPublicKeyInfo());
    }

    /// <summary>The signing algorithms a key algorithm takes, in Infisical's order.</summary>
    public static string[] AlgorithmsFor(string keyAlgorithm) => keyAlgorithm switch
    {
        KmsAlgorithms.Rsa4096 => KmsAlgorithms.RsaSigning,
        KmsAlgorithms.EccNistEdwards25519 => KmsAlgorithms.Ed25519Signing,
        _ => KmsAlgorithms.EcdsaSigning,
    };

    /// <summary>The signature, or null when <paramref name="isDigest"/> and the digest's length is not the hash's.</summary>
    public static byte[]? Sign(string keyAlgorithm, byte[] privateKey, string signingAlgorithm, byte[] data, bool isDigest)
    {
        if (keyAlgorithm == KmsAlgorithms.EccNistEdwards25519)
        {
            // libsodium hashes the message itself: there is no signing a digest handed in.
            if (isDigest) return null;
            var exportable = new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };
            using var key = Key.Import(NSec.Cryptography.SignatureAlgorithm.Ed25519, privateKey, KeyBlobFormat.PkixPrivateKey, in exportable);
            if (signingAlgorithm == Ed25519Pure) return NSec.Cryptography.SignatureAlgorithm.Ed25519.Sign(key, data);
            // Ed25519ph takes the same key, but NSec imports it for that algorithm only from its raw 32-byte seed.
            var seed = key.Export(KeyBlobFormat.RawPrivateKey);
            using var prehashKey = Key.Import(SignatureAlgorithm2.Ed25519ph, seed, KeyBlobFormat.RawPrivateKey);
            CryptographicOperations.ZeroMemory(seed);
            IncrementalSignature.Initialize(prehashKey, out var state);
            IncrementalSignature.Update(ref state, data);
            return IncrementalSignature.Finalize(ref state);
        }
        var hash = HashOf(signingAlgorithm);
        if (isDigest && data.Length != DigestLength(hash)) return null;
        if (keyAlgorithm == KmsAlgorithms.Rsa4096)
        {
            using var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(privateKey, out _);
            var padding = PaddingOf(signingAlgorithm);
            return isDigest ? rsa.SignHash(data, hash, padding) : rsa.SignData(data, hash, padding);
        }
        using var ec = ECDsa.Create();
        ec.ImportPkcs8PrivateKey(privateKey, out _);
        return isDigest
            ? ec.SignHash(data, DSASignatureFormat.Rfc3279DerSequence)
            : ec.SignData(data, hash, DSASignatureFormat.Rfc3279DerSequence);
    }

    public static bool Verify(string keyAlgorithm, byte[] publicKey, string signingAlgorithm, byte[] data, byte[] signature, bool isDigest)
    {
        if (keyAlgorithm == KmsAlgorithms.EccNistEdwards25519)
        {
            if (isDigest || signature.Length != NSec.Cryptography.SignatureAlgorithm.Ed25519.SignatureSize) return false;
            if (signingAlgorithm == Ed25519Pure)
            {
                var pure = NSec.Cryptography.PublicKey.Import(NSec.Cryptography.SignatureAlgorithm.Ed25519, publicKey, KeyBlobFormat.PkixPublicKey);
                return NSec.Cryptography.SignatureAlgorithm.Ed25519.Verify(pure, data, signature);
            }
            var raw = NSec.Cryptography.PublicKey.Import(NSec.Cryptography.SignatureAlgorithm.Ed25519, publicKey, KeyBlobFormat.PkixPublicKey)
                .Export(KeyBlobFormat.RawPublicKey);
            var prehash = NSec.Cryptography.PublicKey.Import(SignatureAlgorithm2.Ed25519ph, raw, KeyBlobFormat.RawPublicKey);
            IncrementalSignatureVerification.Initialize(prehash, out var state);
            IncrementalSignatureVerification.Update(ref state, data);
            return IncrementalSignatureVerification.FinalizeAndVerify(ref state, signature);
        }
        var hash = HashOf(signingAlgorithm);
        if (isDigest && data.Length != DigestLength(hash)) return false;
        try
        {
            if (keyAlgorithm == KmsAlgorithms.Rsa4096)
            {
                using var rsa = RSA.Create();
                rsa.ImportSubjectPublicKeyInfo(publicKey, out _);
                var padding = PaddingOf(signingAlgorithm);
                return isDigest ? rsa.VerifyHash(data, signature, hash, padding) : rsa.VerifyData(data, signature, hash, padding);
            }
            using var ec = ECDsa.Create();
            ec.ImportSubjectPublicKeyInfo(publicKey, out _);
            return isDigest
                ? ec.VerifyHash(data, signature, DSASignatureFormat.Rfc3279DerSequence)
                : ec.VerifyData(data, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            // A signature that is not even well-formed is simply not valid.
            return false;
        }
    }

    /// <summary>OpenSSL's name of the digest, as Infisical's messages spell it ("SHA256").</summary>
    public static string DigestName(string signingAlgorithm) => HashOf(signingAlgorithm).Name!;

    private static ECCurve CurveOf(string algorithm) => algorithm switch
    {
        KmsAlgorithms.EccNistP256 => ECCurve.NamedCurves.nistP256,
        KmsAlgorithms.EccNistP384 => ECCurve.NamedCurves.nistP384,
        KmsAlgorithms.EccNistP521 => ECCurve.NamedCurves.nistP521,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "not an elliptic-curve key algorithm"),
    };

    private static HashAlgorithmName HashOf(string signingAlgorithm) =>
        signingAlgorithm.EndsWith("512", StringComparison.Ordinal) ? HashAlgorithmName.SHA512
        : signingAlgorithm.EndsWith("384", StringComparison.Ordinal) ? HashAlgorithmName.SHA384
        : HashAlgorithmName.SHA256;

    private static int DigestLength(HashAlgorithmName hash) => hash == HashAlgorithmName.SHA512 ? 64 : hash == HashAlgorithmName.SHA384 ? 48 : 32;

    private static RSASignaturePadding PaddingOf(string signingAlgorithm) =>
        signingAlgorithm.StartsWith("RSASSA_PSS", StringComparison.Ordinal) ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1;
}
