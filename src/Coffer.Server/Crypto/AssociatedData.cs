using System.Buffers.Binary;
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
            length = checked(length + sizeof(int) + Encoding.UTF8.GetByteCount(part));
        }

        var result = new byte[length];
        var destination = result.AsSpan();
        foreach (var part in parts)
        {
            var written = Encoding.UTF8.GetBytes(part, destination[sizeof(int)..]);
            BinaryPrimitives.WriteInt32BigEndian(destination, written);
            destination = destination[(sizeof(int) + written)..];
        }

        return result;
    }
}
