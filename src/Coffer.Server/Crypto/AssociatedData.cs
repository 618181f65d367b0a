using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Coffer.Server.Crypto;

/// <summary>
/// Builds AEAD associated data from labelled parts, e.g. <c>AssociatedData.Create("secret", projectId, "value")</c>, so
/// that a ciphertext copied into another row or column fails to open. Each part is length-prefixed (4-byte big-endian
/// UTF-8 length), so ("ab","c") and ("a","bc") can never produce the same bytes.
/// </summary>
public static class AssociatedData
{
    public static byte[] Create(params ReadOnlySpan<string> parts)
    {
        var length = 0;
        foreach (var part in parts)
        {
            ArgumentNullException.ThrowIfNull(part, nameof(parts));
            length = checked(length + LengthOf(part));
        }

        var result = new byte[length];
        var writer = new AssociatedDataWriter(result);
        foreach (var part in parts) writer.Add(part);
        return result;
    }

    /// <summary>Bytes a text part takes, prefix included.</summary>
    public static int LengthOf(string part) => sizeof(int) + Encoding.UTF8.GetByteCount(part);

    /// <summary>Bytes a number part takes: its invariant decimal text, as <see cref="long.ToString()"/> writes it.</summary>
    public static int LengthOf(long number) => sizeof(int) + (number < 0 ? 1 : 0) + CountDigits(number);

    private static int CountDigits(long number)
    {
        var digits = 1;
        for (var rest = number / 10; rest != 0; rest /= 10) digits++;
        return digits;
    }
}

/// <summary>
/// Writes associated data into a caller's buffer (a stack buffer on the read path: a list of 100 secrets built 100
/// arrays). The bytes are those <see cref="AssociatedData.Create"/> makes of the same parts.
/// </summary>
public ref struct AssociatedDataWriter(Span<byte> destination)
{
    private readonly Span<byte> _destination = destination;
    private int _position;

    public readonly ReadOnlySpan<byte> Written => _destination[.._position];

    public void Add(string part)
    {
        var body = _destination[(_position + sizeof(int))..];
        var written = Encoding.UTF8.GetBytes(part, body);
        Prefix(written);
    }

    public void Add(long number)
    {
        var body = _destination[(_position + sizeof(int))..];
        if (!number.TryFormat(body, out var written, default, CultureInfo.InvariantCulture))
            throw new ArgumentException("The destination is too short.", nameof(number));
        Prefix(written);
    }

    private void Prefix(int written)
    {
        BinaryPrimitives.WriteInt32BigEndian(_destination[_position..], written);
        _position += sizeof(int) + written;
    }
}
