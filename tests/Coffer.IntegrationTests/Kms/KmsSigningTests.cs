using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Kms;

/// <summary>
/// Signing keys as Infisical's cmek routes serve them: every signing algorithm of every key type, over raw data and
/// over a digest, checked by Coffer's verify route and independently by the OpenSSL command line against the exported
/// public key; Coffer's rotation of signing keys keeps old signatures verifiable until the minimum version passes them.
/// </summary>
public sealed class KmsSigningTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    private const string Root = "/api/v1/kms/keys";
    private static readonly byte[] Message = Encoding.UTF8.GetBytes("release v1.2.3 tarball digest");

    private Api Api => fx.Api;

    private async Task<string> KeyAsync(string projectId, string name, string algorithm)
    {
        var r = await Api.PostAsync(Root, new { projectId, name, keyUsage = "sign-verify", encryptionAlgorithm = algorithm }, fx.AdminToken);
        Expect.Ok(r);
        Assert.Equal(["sign-verify", algorithm], new[] { "keyUsage", "algorithm" }.Select(k => r.Json["key"]![k]!.GetValue<string>()));
        return r.Json["key"]!["id"]!.GetValue<string>();
    }

    private async Task<string> SignAsync(string keyId, string algorithm, byte[] data, bool isDigest = false)
    {
        var r = await Api.PostAsync($"{Root}/{keyId}/sign", new { signingAlgorithm = algorithm, data = Convert.ToBase64String(data), isDigest }, fx.AdminToken);
        Expect.Ok(r);
        Expect.Keys(r.Json, "signature", "keyId", "signingAlgorithm");
        Assert.Equal([keyId, algorithm], new[] { "keyId", "signingAlgorithm" }.Select(k => r.Json[k]!.GetValue<string>()));
        return r.Json["signature"]!.GetValue<string>();
    }

    private async Task<bool> VerifyAsync(string keyId, string algorithm, byte[] data, string signature, bool isDigest = false)
    {
        var r = await Api.PostAsync($"{Root}/{keyId}/verify",
            new { signingAlgorithm = algorithm, data = Convert.ToBase64String(data), signature, isDigest }, fx.AdminToken);
        Expect.Ok(r);
        Expect.Keys(r.Json, "signatureValid", "keyId", "signingAlgorithm");
        return r.Json["signatureValid"]!.GetValue<bool>();
    }

    private static readonly Dictionary<string, string[]> AlgorithmsByKey = new()
    {
        ["RSA_4096"] =
        [
            "RSASSA_PSS_SHA_512", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_256",
            "RSASSA_PKCS1_V1_5_SHA_512", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_256",
        ],
        ["ECC_NIST_P256"] = ["ECDSA_SHA_512", "ECDSA_SHA_384", "ECDSA_SHA_256"],
        ["ECC_NIST_P384"] = ["ECDSA_SHA_512", "ECDSA_SHA_384", "ECDSA_SHA_256"],
        ["ECC_NIST_P521"] = ["ECDSA_SHA_512", "ECDSA_SHA_384", "ECDSA_SHA_256"],
    };

    [Fact]
    public async Task Every_signing_algorithm_signs_and_verifies_over_data_and_digests_and_OpenSSL_agrees()
    {
        var projectId = await fx.Given.ProjectAsync();
        var dir = Directory.CreateTempSubdirectory("coffer-kms-openssl-");
        try
        {
            foreach (var (keyAlgorithm, signingAlgorithms) in AlgorithmsByKey)
            {
                var keyId = await KeyAsync(projectId, keyAlgorithm.ToLowerInvariant().Replace('_', '-'), keyAlgorithm);
                var listed = await Api.GetAsync($"{Root}/{keyId}/signing-algorithms", fx.AdminToken);
                Expect.Ok(listed);
                Expect.Keys(listed.Json, "signingAlgorithms");
                Assert.Equal(signingAlgorithms, listed.Json["signingAlgorithms"]!.AsArray().Select(a => a!.GetValue<string>()));
                var published = await Api.GetAsync($"{Root}/{keyId}/public-key", fx.AdminToken);
                Expect.Ok(published);
                Expect.Keys(published.Json, "publicKey");
                var publicKey = Path.Combine(dir.FullName, $"{keyAlgorithm}.der");
                await File.WriteAllBytesAsync(publicKey, Convert.FromBase64String(published.Json["publicKey"]!.GetValue<string>()),
                    TestContext.Current.CancellationToken);
                var data = Path.Combine(dir.FullName, "data.bin");
                await File.WriteAllBytesAsync(data, Message, TestContext.Current.CancellationToken);

                foreach (var algorithm in signingAlgorithms)
                {
                    var signature = await SignAsync(keyId, algorithm, Message);
                    Assert.True(await VerifyAsync(keyId, algorithm, Message, signature), $"{keyAlgorithm} {algorithm}");
                    Assert.False(await VerifyAsync(keyId, algorithm, [.. Message, 0], signature), $"{keyAlgorithm} {algorithm} tampered data");
                    var digest = Digest(algorithm, Message);
                    var overDigest = await SignAsync(keyId, algorithm, digest, isDigest: true);
                    Assert.True(await VerifyAsync(keyId, algorithm, digest, overDigest, isDigest: true), $"{keyAlgorithm} {algorithm} digest");
                    // A signature over the digest is a signature over the message: the two modes agree.
                    Assert.True(await VerifyAsync(keyId, algorithm, Message, overDigest), $"{keyAlgorithm} {algorithm} digest vs data");

                    var sigFile = Path.Combine(dir.FullName, "signature.bin");
                    await File.WriteAllBytesAsync(sigFile, Convert.FromBase64String(signature), TestContext.Current.CancellationToken);
                    var (exit, output) = await OpenSslVerifyAsync(algorithm, publicKey, sigFile, data);
                    Assert.True(exit == 0 && output.Contains("Verified OK", StringComparison.Ordinal),
                        $"openssl refused {keyAlgorithm} {algorithm}: {output}");
                }
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Ed25519_keys_sign_pure_and_prehashed_and_OpenSSL_agrees_with_the_pure_signatures()
    {
        var projectId = await fx.Given.ProjectAsync();
        var keyId = await KeyAsync(projectId, "edwards", "ECC_NIST_EDWARDS25519");
        var listed = await Api.GetAsync($"{Root}/{keyId}/signing-algorithms", fx.AdminToken);
        Assert.Equal(["ED25519_SHA_512", "ED25519_PH_SHA_512"], listed.Json["signingAlgorithms"]!.AsArray().Select(a => a!.GetValue<string>()));
        foreach (var algorithm in new[] { "ED25519_SHA_512", "ED25519_PH_SHA_512" })
        {
            var signature = await SignAsync(keyId, algorithm, Message);
            Assert.Equal(64, Convert.FromBase64String(signature).Length);
            Assert.True(await VerifyAsync(keyId, algorithm, Message, signature), algorithm);
            Assert.False(await VerifyAsync(keyId, algorithm, [.. Message, 0], signature), algorithm + " tampered");
            Expect.Error(await Api.PostAsync($"{Root}/{keyId}/sign",
                new { signingAlgorithm = algorithm, data = Convert.ToBase64String(SHA512.HashData(Message)), isDigest = true }, fx.AdminToken),
                400, "BadRequest", $"{algorithm} signs the message itself: send the data with isDigest false");
        }
        // Pure and prehashed are different schemes: one's signature is not the other's.
        var pure = await SignAsync(keyId, "ED25519_SHA_512", Message);
        Assert.False(await VerifyAsync(keyId, "ED25519_PH_SHA_512", Message, pure));

        var dir = Directory.CreateTempSubdirectory("coffer-kms-ed25519-");
        try
        {
            var publicKey = Path.Combine(dir.FullName, "public.der");
            var published = (await Api.GetAsync($"{Root}/{keyId}/public-key", fx.AdminToken)).Json["publicKey"]!.GetValue<string>();
            await File.WriteAllBytesAsync(publicKey, Convert.FromBase64String(published), TestContext.Current.CancellationToken);
            var data = Path.Combine(dir.FullName, "data.bin");
            await File.WriteAllBytesAsync(data, Message, TestContext.Current.CancellationToken);
            var sigFile = Path.Combine(dir.FullName, "signature.bin");
            await File.WriteAllBytesAsync(sigFile, Convert.FromBase64String(pure), TestContext.Current.CancellationToken);
            var start = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "pkeyutl", "-verify", "-pubin", "-inkey", publicKey, "-keyform", "DER", "-rawin", "-in", data, "-sigfile", sigFile })
                start.ArgumentList.Add(arg);
            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken) +
                await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.True(process.ExitCode == 0 && output.Contains("Signature Verified Successfully", StringComparison.Ordinal), output);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_rotated_signing_key_signs_with_its_newest_version_and_old_signatures_verify_until_retired()
    {
        var projectId = await fx.Given.ProjectAsync();
        var keyId = await KeyAsync(projectId, "rotating-signer", "ECC_NIST_P256");
        var firstKey = (await Api.GetAsync($"{Root}/{keyId}/public-key", fx.AdminToken)).Json["publicKey"]!.GetValue<string>();
        var old = await SignAsync(keyId, "ECDSA_SHA_256", Message);
        Expect.Ok(await Api.PostAsync($"{Root}/{keyId}/rotate", null, fx.AdminToken));
        var secondKey = (await Api.GetAsync($"{Root}/{keyId}/public-key", fx.AdminToken)).Json["publicKey"]!.GetValue<string>();
        Assert.NotEqual(firstKey, secondKey);
        var fresh = await SignAsync(keyId, "ECDSA_SHA_256", Message);
        Assert.True(VerifiesWith(secondKey, fresh) && !VerifiesWith(firstKey, fresh));
        Assert.True(VerifiesWith(firstKey, old));
        Assert.True(await VerifyAsync(keyId, "ECDSA_SHA_256", Message, old));
        Assert.True(await VerifyAsync(keyId, "ECDSA_SHA_256", Message, fresh));

        Expect.Ok(await Api.SendAsync(HttpMethod.Put, $"{Root}/{keyId}/min-decryption-version", new { minDecryptionVersion = 2 }, fx.AdminToken));
        Assert.False(await VerifyAsync(keyId, "ECDSA_SHA_256", Message, old));
        Assert.True(await VerifyAsync(keyId, "ECDSA_SHA_256", Message, fresh));
    }

    [Fact]
    public async Task Keys_are_used_only_for_what_they_are_for()
    {
        var projectId = await fx.Given.ProjectAsync();
        var signer = await KeyAsync(projectId, "signer", "ECC_NIST_P256");
        var cipher = (await Api.PostAsync(Root, new { projectId, name = "cipher" }, fx.AdminToken)).Json["key"]!["id"]!.GetValue<string>();
        var data = Convert.ToBase64String(Message);
        Expect.Error(await Api.PostAsync($"{Root}/{cipher}/sign", new { signingAlgorithm = "ECDSA_SHA_256", data }, fx.AdminToken), 400, "BadRequest",
            $"Key with ID '{cipher}' is not intended for signing");
        Expect.Error(await Api.GetAsync($"{Root}/{cipher}/public-key", fx.AdminToken), 400, "BadRequest", $"Key with ID '{cipher}' is not intended for signing");
        Expect.Error(await Api.GetAsync($"{Root}/{cipher}/signing-algorithms", fx.AdminToken), 400, "BadRequest",
            $"Key with ID '{cipher}' is not intended for signing");
        Expect.Error(await Api.PostAsync($"{Root}/{signer}/encrypt", new { plaintext = data }, fx.AdminToken), 400, "BadRequest",
            $"Key with ID '{signer}' is not intended for encryption");
        Expect.Error(await Api.PostAsync($"{Root}/{signer}/sign", new { signingAlgorithm = "RSASSA_PSS_SHA_256", data }, fx.AdminToken), 400, "BadRequest",
            "KMS ECC_NIST_P256 key cannot be used with RSASSA_PSS_SHA_256");
        Expect.Error(await Api.PostAsync($"{Root}/{signer}/sign", new { signingAlgorithm = "ECDSA_SHA_256", data, isDigest = true }, fx.AdminToken),
            400, "BadRequest", "Failed to sign ECC digest with ECDSA_SHA_256 due to signing error. Ensure that your digest is hashed with SHA256.");
        Expect.Validation(await Api.PostAsync($"{Root}/{signer}/sign", new { signingAlgorithm = "ED25519", data }, fx.AdminToken),
            Issue.Enum(["signingAlgorithm"], "ED25519",
                "RSASSA_PSS_SHA_512", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_256", "RSASSA_PKCS1_V1_5_SHA_512", "RSASSA_PKCS1_V1_5_SHA_384",
                "RSASSA_PKCS1_V1_5_SHA_256", "ECDSA_SHA_512", "ECDSA_SHA_384", "ECDSA_SHA_256", "ED25519_SHA_512", "ED25519_PH_SHA_512"));
        Expect.Validation(await Api.PostAsync($"{Root}/{signer}/verify", new { signingAlgorithm = "ECDSA_SHA_256", data, signature = "@@" }, fx.AdminToken),
            Issue.Custom(["signature"], "signature must be base64 encoded"));
        // A signature that is not even well-formed is not valid; it is not an error.
        Assert.False(await VerifyAsync(signer, "ECDSA_SHA_256", Message, Convert.ToBase64String(new byte[8])));
        Expect.Validation(await Api.PostAsync(Root, new { projectId, name = "odd", keyUsage = "sign-verify", encryptionAlgorithm = "aes-256-gcm" }, fx.AdminToken),
            Issue.Custom([], "algorithm must be a valid asymmetric sign-verify algorithm. Valid options are: RSA_4096, ECC_NIST_P256, ECC_NIST_P384, ECC_NIST_P521, ECC_NIST_EDWARDS25519"));
    }

    private static bool VerifiesWith(string publicKey, string signature)
    {
        using var ec = ECDsa.Create();
        ec.ImportSubjectPublicKeyInfo(Convert.FromBase64String(publicKey), out _);
        return ec.VerifyData(Message, Convert.FromBase64String(signature), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    private static byte[] Digest(string algorithm, byte[] data) =>
        algorithm.EndsWith("512", StringComparison.Ordinal) ? SHA512.HashData(data)
        : algorithm.EndsWith("384", StringComparison.Ordinal) ? SHA384.HashData(data)
        : SHA256.HashData(data);

    /// <summary><c>openssl dgst -verify</c> with the exported DER public key; PSS with a digest-length salt.</summary>
    private static async Task<(int Exit, string Output)> OpenSslVerifyAsync(string algorithm, string publicKey, string signature, string data)
    {
        var hash = algorithm.EndsWith("512", StringComparison.Ordinal) ? "-sha512" : algorithm.EndsWith("384", StringComparison.Ordinal) ? "-sha384" : "-sha256";
        var start = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "dgst", hash, "-verify", publicKey, "-keyform", "DER", "-signature", signature }) start.ArgumentList.Add(arg);
        if (algorithm.StartsWith("RSASSA_PSS", StringComparison.Ordinal))
            foreach (var arg in new[] { "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest" }) start.ArgumentList.Add(arg);
        start.ArgumentList.Add(data);
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }
}
