using Coffer.Server.Crypto;
using Coffer.Server.Features.Secrets;

namespace Coffer.Tests.Crypto;

/// <summary>
/// Blobs written by the release that sealed with the hand-written AES-NI code (captured 2026-12-06 with root key
/// 0x01..0x20): a data key wrapped under the root key and secret fields sealed under it. Whatever implements
/// AES-256-GCM now must open them unchanged, or existing databases become unreadable.
/// </summary>
public class StoredFormatFixtureTests
{
    private const string ProjectId = "3f1c2a4e-0000-4000-8000-000000000001";

    private const string WrappedDataKey =
        "01A76407603A66BE106A5B523B5671264714797C015AF31EF483FF8C622BCA5BDDB738C6294C7ED426F92C549F9CE0FAE7C017D497B5B153E70A498A3A";

    [Theory]
    [InlineData("secret-1", 3, SecretCrypto.Value, "postgres://app:s3cr3t@db/app",
        "01400D88D1257EF2E6ACF3F8838A0B3E0B1FA46113D5170C501DBA4117E30DBFF33060F5A1015C951C8ED346BD24F8B5B6DBD1EF20A1B74570")]
    [InlineData("secret-1", 3, SecretCrypto.Comment, "rotated monthly — ünïcode ✓",
        "01DAE02972B2D12624879CBFB5D3DF7529632D144473385AC6DADBDCB16B6474E471E887386B510FE8CCB4BE7F22A3D8FDF27F03CB15697096460D9EC910")]
    [InlineData("secret-1", 1, SecretCrypto.Value, "",
        "0132D059D9A61698EC34D36D28D9415EA2707CA6A86B8680966743B093")]
    [InlineData("secret-2", 1, SecretCrypto.Value, "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuv",
        "0176979532576C8C124C6617C5F6A888E19851B171E846DC62CFD36F494E11F2F31430FB8F3876AE6636ACD2B85139838D5DF1EAF4E9D0A5251BBF1579120F37AD5C18ED274BE8141A723E9C9A357401C3EBF8313CF726E605D328E67B624586A2A9887BD7ED0665B9FE1B56CA319D4C9E67FCA455A7A757FA994547687F8DC05B")]
    public void Fields_sealed_by_the_previous_release_open_unchanged(string secretId, long version, string field, string plaintext, string sealedHex)
    {
        using var root = RootKey.FromRootEncryptionKey(Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()));
        using var key = DataKeys.Unwrap(root, Convert.FromHexString(WrappedDataKey), KeyPurposes.ProjectSecretsDataKey, ProjectId);

        Assert.Equal(plaintext, SecretCrypto.Open(key, ProjectId, secretId, version, field, Convert.FromHexString(sealedHex)));
        // And under the wrong field, version or secret it does not open.
        Assert.Throws<DecryptionFailedException>(() => SecretCrypto.Open(key, ProjectId, secretId, version + 1, field, Convert.FromHexString(sealedHex)));
    }
}
