using System.Buffers;

namespace Coffer.Server.Features.Secrets;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over one array from the shared pool, handed on whole as a <see cref="SecretBody"/>.
/// Growing rents a larger array and returns the old one with what it held (decrypted values) cleared.
/// </summary>
internal sealed class PooledBodyWriter(int initialSize) : IBufferWriter<byte>, IDisposable
{
    private byte[]? _array = ArrayPool<byte>.Shared.Rent(Math.Max(initialSize, 256));

    public int Written { get; private set; }

    public void Advance(int count) => Written += count;

    public Memory<byte> GetMemory(int sizeHint = 0) => Ensure(sizeHint).AsMemory(Written);

    public Span<byte> GetSpan(int sizeHint = 0) => Ensure(sizeHint).AsSpan(Written);

    private byte[] Ensure(int sizeHint)
    {
        var array = _array ?? throw new ObjectDisposedException(nameof(PooledBodyWriter));
        if (array.Length - Written >= Math.Max(sizeHint, 1)) return array;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(array.Length * 2, Written + Math.Max(sizeHint, 256)));
        array.AsSpan(0, Written).CopyTo(bigger);
        SecretBody.ReturnCleared(array, Written);
        return _array = bigger;
    }

    /// <summary>The bytes written so far, as a body that now owns the array.</summary>
    public SecretBody Detach()
    {
        var array = _array ?? throw new ObjectDisposedException(nameof(PooledBodyWriter));
        _array = null;
        return SecretBody.Own(array, Written);
    }

    public void Dispose()
    {
        if (_array is not { } array) return;
        _array = null;
        SecretBody.ReturnCleared(array, Written);
    }
}
