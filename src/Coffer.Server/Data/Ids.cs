using System.Security.Cryptography;

namespace Coffer.Server.Data;

/// <summary>
/// Row ids: UUIDv7 (time-ordered, so inserts stay at the end of indexes) that are also strictly increasing within this
/// process — rows written in one call (the roles of a membership, say) read back in the order they were written.
/// </summary>
public static class Ids
{
    // (unix ms << 12) | counter: one word, so a compare-exchange keeps ids strictly increasing without a lock. A 4097th id
    // in one millisecond carries into the next millisecond rather than lose the order.
    private static long _last;

    // The random half of an id comes from a per-thread block of CSPRNG output: one call into OpenSSL per 32 ids rather
    // than per id (that call was ~3 % of a login's CPU). Ids are public (every response carries them), never secrets.
    [ThreadStatic]
    private static byte[]? t_random;

    [ThreadStatic]
    private static int t_randomUsed;

    public static string New()
    {
        var nowState = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() << 12;
        long state;
        while (true)
        {
            var last = Volatile.Read(ref _last);
            state = Math.Max(nowState, last + 1);
            if (Interlocked.CompareExchange(ref _last, state, last) == last) break;
        }
        var ms = state >> 12;
        var counter = (int)(state & 0xFFF);

        Span<byte> b = stackalloc byte[16];
        NextRandom(b[8..]);
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

    private static void NextRandom(Span<byte> destination)
    {
        var block = t_random ??= new byte[256];
        if (t_randomUsed == 0 || t_randomUsed + destination.Length > block.Length)
        {
            RandomNumberGenerator.Fill(block);
            t_randomUsed = 0;
        }
        block.AsSpan(t_randomUsed, destination.Length).CopyTo(destination);
        t_randomUsed = (t_randomUsed + destination.Length) % block.Length;
    }
}
