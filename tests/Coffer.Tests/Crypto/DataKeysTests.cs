using Coffer.Server.Crypto;

namespace Coffer.Tests.Crypto;

public class DataKeysTests
{
    private const string Purpose = "project-secrets";
    private const string Owner = "3f0a2b3c-0000-4000-8000-000000000001";

    [Fact]
    public void WrappedKeyUnwrapsToTheSameKey()
    {
        using var root = RootKey.Generate();
        var wrapped = DataKeys.NewWrapped(root, Purpose, Owner);
        using var key = DataKeys.Unwrap(root, wrapped, Purpose, Owner);
        var ciphertext = key.Seal("value", [1, 2, 3]);

        using var unwrapped = DataKeys.Unwrap(root, wrapped, Purpose, Owner);

        Assert.Equal(DataKeys.WrappedLength, wrapped.Length);
        Assert.Equal(32 + Aead.Overhead, wrapped.Length);
        Assert.Equal("value", unwrapped.OpenString(ciphertext, [1, 2, 3]));
    }

    [Fact]
    public void GeneratedKeysAreDistinct()
    {
        using var a = DataKeys.Generate();
        using var b = DataKeys.Generate();
        Assert.Throws<DecryptionFailedException>(() => b.Open(a.Seal("x"u8, []), []));
    }

    [Fact]
    public void UnwrapFailsUnderAnotherRootOwnerOrPurpose()
    {
        using var root = RootKey.Generate();
        using var other = RootKey.Generate();
        var wrapped = DataKeys.NewWrapped(root, Purpose, Owner);

        Assert.Throws<DecryptionFailedException>(() => DataKeys.Unwrap(other, wrapped, Purpose, Owner));
        Assert.Throws<DecryptionFailedException>(() => DataKeys.Unwrap(root, wrapped, Purpose, "another-project"));
        Assert.Throws<DecryptionFailedException>(() => DataKeys.Unwrap(root, wrapped, "audit-logs", Owner));
    }

    [Fact]
    public void UnwrapDetectsTamperingAndBadLengths()
    {
        using var root = RootKey.Generate();
        var wrapped = DataKeys.NewWrapped(root, Purpose, Owner);

        for (var i = 0; i < wrapped.Length; i++)
        {
            var tampered = (byte[])wrapped.Clone();
            tampered[i] ^= 0x80;
            Assert.Throws<DecryptionFailedException>(() => DataKeys.Unwrap(root, tampered, Purpose, Owner));
        }

        Assert.Throws<DecryptionFailedException>(() => DataKeys.Unwrap(root, wrapped.AsSpan(1), Purpose, Owner));
        Assert.Throws<DecryptionFailedException>(() => DataKeys.Unwrap(root, [.. wrapped, 0], Purpose, Owner));
    }

    [Fact]
    public void RewrapMovesADataKeyToTheNewRootWithoutChangingIt()
    {
        using var oldRoot = RootKey.Generate();
        using var newRoot = RootKey.Generate();
        var wrapped = DataKeys.NewWrapped(oldRoot, Purpose, Owner);
        using var key = DataKeys.Unwrap(oldRoot, wrapped, Purpose, Owner);
        var ciphertext = key.Seal("still readable", []);

        var rewrapped = DataKeys.Rewrap(oldRoot, newRoot, wrapped, Purpose, Owner);

        using var moved = DataKeys.Unwrap(newRoot, rewrapped, Purpose, Owner);
        Assert.Equal("still readable", moved.OpenString(ciphertext, []));
        Assert.Throws<DecryptionFailedException>(() => DataKeys.Unwrap(oldRoot, rewrapped, Purpose, Owner));
        Assert.Throws<DecryptionFailedException>(() => DataKeys.Rewrap(newRoot, oldRoot, wrapped, Purpose, Owner));
    }

    [Fact]
    public void WrappingUnderALegacyEncryptionKeyRoundTrips()
    {
        using var root = RootKey.FromEncryptionKey("6c1fe4e407b8911c104518103505b218");
        using var again = RootKey.FromEncryptionKey("6C1FE4E407B8911C104518103505B218");
        var wrapped = DataKeys.NewWrapped(root, Purpose, Owner);
        using var key = DataKeys.Unwrap(root, wrapped, Purpose, Owner);
        using var unwrapped = DataKeys.Unwrap(again, wrapped, Purpose, Owner);
        Assert.Equal("x", unwrapped.OpenString(key.Seal("x", []), []));
    }

    [Fact]
    public void ADisposedKeyCannotBeUsed()
    {
        var key = DataKeys.Generate();
        key.Dispose();
        Assert.Throws<ObjectDisposedException>(() => key.Seal("x"u8, []));
        Assert.Equal("DataKey(…)", key.ToString());
    }
}
