using System.Security.Cryptography;

namespace Coffer.Server.Data;

/// <summary>
/// Row ids: UUIDv7 (time-ordered, so inserts stay at the end of indexes) that are also strictly increasing within this
/// process — rows written in one call (the roles of a membership, say) read back in the order they were written.
/// </summary>
public static class Ids
{
    private static readonly Lock Gate = new();
    private static long _lastMs;
    private static int _counter;

    public static string New()
    {
        long ms;
        int counter;
        lock (Gate)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            if (now > _lastMs)
            {
                _lastMs = now;
                _counter = 0;
            }
            else if (++_counter > 0xFFF)
            {
                // 4096 ids in one millisecond: borrow the next millisecond rather than lose the order.
                _lastMs++;
                _counter = 0;
            }
            ms = _lastMs;
            counter = _counter;
        }

        Span<byte> b = stackalloc byte[16];
        RandomNumberGenerator.Fill(b[8..]);
        b[0] = (byte)(ms >> 40);
        b[1] = (byte)(ms >> 32);
        b[2] = (byte)(ms >> 24);
        b[3] = (byte)(ms >> 16);
        b[4] = (byte)(ms >> 8);
        b[5] = (byte)ms;
        b[6] = (byte)(0x70 | ((counter >> 8) & 0x0F));
        b[7] = (byte)counter;
        b[8] = (byte)(0x80 | (b[8] & 0x3F));
        return new Guid(b, bigEndian: true).ToString();
    }
}
