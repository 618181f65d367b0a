using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Coffer.Server.Crypto;

/// <summary>
/// A 32-byte AES-256-GCM key for one owner (typically a project), stored only wrapped under the root key
/// (see <see cref="DataKeys"/>); nothing exposes its bytes. A data key lives as long as its project is read, so it keeps
/// its cipher ready: creating one costs a key set-up, far more than decrypting a secret. With libsodium that is one
/// <see cref="SodiumGcm"/> shared by all threads, the key held only in libsodium's native memory (zeroed when freed,
/// also when an evicted key is collected); with OpenSSL, a few <see cref="PlatformGcm"/> instances each serving one
/// operation at a time, made from a pinned copy of the key that is zeroed on dispose or collection.
/// </summary>
public sealed class DataKey : IDisposable
{
    private static readonly int MaxPooled = Math.Max(4, Environment.ProcessorCount * 2);
    private readonly byte[]? _key;
    private readonly ConcurrentQueue<IGcmCipher> _ciphers = new();
    private readonly IGcmCipher? _shared;
    private bool _disposed;

    internal DataKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != Aead.KeySize)
        {
            throw new ArgumentException($"A data key must be exactly {Aead.KeySize} bytes.", nameof(key));
        }

        // The instance decides, not a second look at the setting: it could change between the two (tests switch it).
        var first = GcmCiphers.Create(key);
        if (first.IsThreadSafe)
        {
            _shared = first;
            return;
        }
        _key = GC.AllocateUninitializedArray<byte>(Aead.KeySize, pinned: true);
        key.CopyTo(_key);
        _ciphers.Enqueue(first);
    }

    // Keys evicted from a cache are not disposed (a request may still hold one); the pinned copy is zeroed when the key is
    // collected instead. libsodium's memory is freed (and zeroed) by its own handle's finalizer.
    ~DataKey()
    {
        if (_key is not null) CryptographicOperations.ZeroMemory(_key);
    }

    public byte[] Seal(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var gcm = Rent();
        try
        {
            return Aead.Seal(gcm, plaintext, associatedData);
        }
        finally
        {
            Return(gcm);
        }
    }

    public byte[] Seal(string plaintext, ReadOnlySpan<byte> associatedData)
    {
        var gcm = Rent();
        try
        {
            return Aead.Seal(gcm, plaintext, associatedData);
        }
        finally
        {
            Return(gcm);
        }
    }

    public byte[] Open(ReadOnlySpan<byte> sealedData, ReadOnlySpan<byte> associatedData)
    {
        var plaintextLength = Aead.GetPlaintextLength(sealedData.Length);
        if (plaintextLength < 0) throw DecryptionFailedException.TooShort();
        var result = new byte[plaintextLength];
        var gcm = Rent();
        try
        {
            Aead.Open(gcm, sealedData, associatedData, result);
            return result;
        }
        finally
        {
            Return(gcm);
        }
    }

    public string OpenString(ReadOnlySpan<byte> sealedData, ReadOnlySpan<byte> associatedData)
    {
        var gcm = Rent();
        try
        {
            return Aead.OpenString(gcm, sealedData, associatedData);
        }
        finally
        {
            Return(gcm);
        }
    }

    private IGcmCipher Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _shared ?? (_ciphers.TryDequeue(out var gcm) ? gcm : GcmCiphers.Create(_key!));
    }

    private void Return(IGcmCipher gcm)
    {
        if (ReferenceEquals(gcm, _shared)) return;
        // A key disposed meanwhile must not keep its schedule alive in a pooled instance.
        if (_disposed || _ciphers.Count >= MaxPooled) gcm.Dispose();
        else _ciphers.Enqueue(gcm);
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            if (_key is not null) CryptographicOperations.ZeroMemory(_key);
            _shared?.Dispose();
            while (_ciphers.TryDequeue(out var gcm)) gcm.Dispose();
            GC.SuppressFinalize(this);
        }
    }

    public override string ToString() => "DataKey(…)";
}
