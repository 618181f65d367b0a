using System.Buffers;

namespace Coffer.Server.Features.Secrets;

/// <summary>
/// A secret response body in a pooled array. A list of 100 secrets is ~50 KB, and a fresh array for every answer was
/// a fifth of what a list allocated (bench/README.md). The bytes are decrypted values, so the array is cleared when it
/// goes back to the pool; whoever ends up with the body (the result that writes it) disposes it.
/// </summary>
public sealed class SecretBody : IDisposable
{
    private byte[]? _array;

    private SecretBody(byte[] array, int length)
    {
        _array = array;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlySpan<byte> Span => _array is { } a ? a.AsSpan(0, Length) : throw new ObjectDisposedException(nameof(SecretBody));

    public ReadOnlyMemory<byte> Memory => _array is { } a ? a.AsMemory(0, Length) : throw new ObjectDisposedException(nameof(SecretBody));

    /// <summary>Takes over a pooled array holding <paramref name="length"/> bytes of body.</summary>
    internal static SecretBody Own(byte[] array, int length) => new(array, length);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _array, null) is { } array) ReturnCleared(array, Length);
    }

    /// <summary>
    /// Gives a pooled array back with its first <paramref name="written"/> bytes cleared: those held decrypted values;
    /// clearing the whole (possibly much larger) array would not add to that.
    /// </summary>
    internal static void ReturnCleared(byte[] array, int written)
    {
        array.AsSpan(0, written).Clear();
        ArrayPool<byte>.Shared.Return(array);
    }
}
