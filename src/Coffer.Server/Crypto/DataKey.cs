using System.Security.Cryptography;

namespace Coffer.Server.Crypto;

/// <summary>
/// A 32-byte AES-256-GCM key for one owner (typically a project), stored only wrapped under the root key
/// (see <see cref="DataKeys"/>). Key bytes are pinned and zeroed on dispose; nothing exposes them publicly.
/// </summary>
public sealed class DataKey : IDisposable
{
    private readonly byte[] _key;
    private bool _disposed;

    internal DataKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != Aead.KeySize)
        {
            throw new ArgumentException($"A data key must be exactly {Aead.KeySize} bytes.", nameof(key));
        }

        _key = GC.AllocateUninitializedArray<byte>(Aead.KeySize, pinned: true);
        key.CopyTo(_key);
    }

    internal ReadOnlySpan<byte> Key
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _key;
        }
    }

    public byte[] Seal(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData) =>
        Aead.Seal(Key, plaintext, associatedData);

    public byte[] Seal(string plaintext, ReadOnlySpan<byte> associatedData) =>
        Aead.Seal(Key, plaintext, associatedData);

    public byte[] Open(ReadOnlySpan<byte> sealedData, ReadOnlySpan<byte> associatedData) =>
        Aead.Open(Key, sealedData, associatedData);

    public string OpenString(ReadOnlySpan<byte> sealedData, ReadOnlySpan<byte> associatedData) =>
        Aead.OpenString(Key, sealedData, associatedData);

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            CryptographicOperations.ZeroMemory(_key);
        }
    }

    public override string ToString() => "DataKey(…)";
}
