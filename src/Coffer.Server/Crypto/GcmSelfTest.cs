namespace Coffer.Server.Crypto;

/// <summary>
/// A known-answer test of the AES-256-GCM in use, run before the server touches any data: test case 16 of the GCM
/// specification (McGrew and Viega; AES-256 with associated data), sealed, opened, and refused with one bit flipped.
/// A broken or mis-linked primitive would otherwise write data nothing can read back, or accept forgeries.
/// </summary>
public static class GcmSelfTest
{
    private static readonly byte[] Key = Convert.FromHexString("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
    private static readonly byte[] Nonce = Convert.FromHexString("cafebabefacedbaddecaf888");
    private static readonly byte[] AssociatedData = Convert.FromHexString("feedfacedeadbeeffeedfacedeadbeefabaddad2");
    private static readonly byte[] Plaintext = Convert.FromHexString(
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
    private static readonly byte[] Expected = Convert.FromHexString(
        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662" +
        "76fc6ece0f4e1768cddf8853bb2d551b");

    /// <summary>Null when the cipher in use gives the specification's answer; otherwise why the server must not start.</summary>
    public static string? Failure()
    {
        using var gcm = GcmCiphers.Create(Key);
        var sealedData = new byte[Expected.Length];
        gcm.Encrypt(Nonce, Plaintext, sealedData, AssociatedData);
        if (!sealedData.AsSpan().SequenceEqual(Expected)) return Refusal("sealing gave the wrong ciphertext or tag");
        var opened = new byte[Plaintext.Length];
        if (!gcm.TryDecrypt(Nonce, Expected, opened, AssociatedData) || !opened.AsSpan().SequenceEqual(Plaintext))
            return Refusal("the specification's ciphertext did not open to its plaintext");
        var forged = (byte[])Expected.Clone();
        forged[^1] ^= 1;
        return gcm.TryDecrypt(Nonce, forged, opened, AssociatedData) ? Refusal("a forged tag was accepted") : null;
    }

    private static string Refusal(string what) =>
        $"The AES-256-GCM self-test failed on {GcmCiphers.Description}: {what}. Coffer will not start on a broken cipher; " +
        "try CRYPTO_PROVIDER=openssl, and report this with your platform details.";
}
