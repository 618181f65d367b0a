using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using AesNi = System.Runtime.Intrinsics.X86.Aes;

namespace Coffer.Server.Crypto;

/// <summary>
/// AES-256-GCM (NIST SP 800-38D; 96-bit nonce, 128-bit tag) on the CPU's AES and carry-less-multiply instructions.
/// Why not only <see cref="AesGcm"/>: for the short fields secrets are made of, OpenSSL's per-call set-up (nonce, AAD,
/// update, tag, final: five P/Invokes) costs ~1.5 µs, ten times the cipher work, and a list of 100 secrets pays it 100
/// times (bench/README.md). Both instructions run in constant time and nothing here indexes memory by key or data, so
/// this adds no timing channel; the tag is compared in constant time and nothing is decrypted before it verifies.
/// Used only where <see cref="IsSupported"/>; the output is byte-for-byte that of <see cref="AesGcm"/>, which the tests
/// check on random inputs of every length class and on NIST's vectors. Immutable after construction, so one instance
/// serves any number of threads.
/// </summary>
internal sealed class X86AesGcm : IGcmCipher
{
    private const int Rounds = 14;
    private const int BlockSize = 16;

    // Round keys 0..14, then the hash key H in GHASH's bit order (see Reflect). Pinned so the GC never leaves a copy
    // behind when it compacts; zeroed on dispose.
    private readonly Vector128<byte>[] _keys = GC.AllocateArray<Vector128<byte>>(Rounds + 2, pinned: true);
    private bool _disposed;

    public static bool IsSupported => AesNi.IsSupported && Pclmulqdq.IsSupported && Ssse3.IsSupported;

    public X86AesGcm(ReadOnlySpan<byte> key)
    {
        if (!IsSupported) throw new PlatformNotSupportedException("AES-NI and PCLMULQDQ are required.");
        if (key.Length != Aead.KeySize) throw new ArgumentException($"The key must be exactly {Aead.KeySize} bytes.", nameof(key));
        ExpandKey(key, _keys);
        _keys[Rounds + 1] = Reflect(EncryptBlock(Vector128<byte>.Zero));
    }

    public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, Span<byte> ciphertext, Span<byte> tag, ReadOnlySpan<byte> associatedData)
    {
        CheckSizes(nonce, plaintext.Length, ciphertext.Length, tag.Length);
        var j0 = InitialCounter(nonce);
        ApplyKeyStream(j0, plaintext, ciphertext);
        ComputeTag(j0, associatedData, ciphertext).CopyTo(tag);
    }

    public bool TryDecrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag, Span<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        CheckSizes(nonce, ciphertext.Length, plaintext.Length, tag.Length);
        var j0 = InitialCounter(nonce);
        // One XOR and one test of the whole block: the comparison takes the same time wherever the tags differ.
        var difference = ComputeTag(j0, associatedData, ciphertext) ^ Vector128.Create(tag);
        if (difference != Vector128<byte>.Zero)
        {
            plaintext.Clear();
            return false;
        }
        ApplyKeyStream(j0, ciphertext, plaintext);
        return true;
    }

    public void Dispose()
    {
        _disposed = true;
        Array.Clear(_keys);
    }

    private void CheckSizes(ReadOnlySpan<byte> nonce, int inputLength, int outputLength, int tagLength)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (nonce.Length != Aead.NonceSize) throw new ArgumentException($"The nonce must be {Aead.NonceSize} bytes.", nameof(nonce));
        if (tagLength != Aead.TagSize) throw new ArgumentException($"The tag must be {Aead.TagSize} bytes.", nameof(tagLength));
        if (inputLength != outputLength) throw new ArgumentException("Input and output must have the same length.");
    }

    /// <summary>J0 = nonce ‖ 0x00000001 (the counter block for a 96-bit nonce).</summary>
    private static Vector128<byte> InitialCounter(ReadOnlySpan<byte> nonce) =>
        Vector128.Create(
            BinaryPrimitives.ReadUInt64LittleEndian(nonce),
            BinaryPrimitives.ReadUInt32LittleEndian(nonce[8..]) | ((ulong)BinaryPrimitives.ReverseEndianness(1u) << 32)).AsByte();

    /// <summary>
    /// CTR mode from inc32(J0): the counter is the block's last four bytes, big-endian. Four blocks at a time, because
    /// AES rounds are slow to finish but quick to start: four independent blocks cost little more than one.
    /// </summary>
    private void ApplyKeyStream(Vector128<byte> j0, ReadOnlySpan<byte> input, Span<byte> output)
    {
        var counterBlock = j0.AsUInt32();
        uint counter = 2;
        Span<byte> keyStream = stackalloc byte[4 * BlockSize];
        while (input.Length > 0)
        {
            EncryptFour(Counter(counterBlock, counter), Counter(counterBlock, counter + 1), Counter(counterBlock, counter + 2),
                Counter(counterBlock, counter + 3), keyStream);
            counter += 4;
            var length = Math.Min(input.Length, keyStream.Length);
            var i = 0;
            for (; i + BlockSize <= length; i += BlockSize)
                (Vector128.Create(input[i..]) ^ Vector128.Create<byte>(keyStream[i..])).CopyTo(output[i..]);
            for (; i < length; i++) output[i] = (byte)(input[i] ^ keyStream[i]);
            input = input[length..];
            output = output[length..];
        }
        keyStream.Clear();
    }

    private static Vector128<byte> Counter(Vector128<uint> counterBlock, uint counter) =>
        counterBlock.WithElement(3, BinaryPrimitives.ReverseEndianness(counter)).AsByte();

    /// <summary>T = GHASH_H(A ‖ pad ‖ C ‖ pad ‖ len(A)·8 ‖ len(C)·8) ⊕ E_K(J0).</summary>
    private Vector128<byte> ComputeTag(Vector128<byte> j0, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> ciphertext)
    {
        // First, so that the CPU runs these AES rounds alongside the multiplications below.
        var mask = EncryptBlock(j0);
        var h = _keys[Rounds + 1].AsUInt64();
        var y = Vector128<ulong>.Zero;
        y = Absorb(y, h, associatedData);
        y = Absorb(y, h, ciphertext);
        // The length block reflected: its second half (len C) lands in the low word, its first (len A) in the high one.
        var lengths = Vector128.Create((ulong)ciphertext.Length * 8, (ulong)associatedData.Length * 8);
        y = Multiply(y ^ lengths, h);
        return Reflect(y.AsByte()) ^ mask;
    }

    internal static Vector128<ulong> Absorb(Vector128<ulong> y, Vector128<ulong> h, ReadOnlySpan<byte> data)
    {
        while (data.Length >= BlockSize)
        {
            y = Multiply(y ^ Reflect(Vector128.Create<byte>(data)).AsUInt64(), h);
            data = data[BlockSize..];
        }
        if (data.Length > 0)
        {
            Span<byte> last = stackalloc byte[BlockSize];
            last.Clear();
            data.CopyTo(last);
            y = Multiply(y ^ Reflect(Vector128.Create<byte>(last)).AsUInt64(), h);
            last.Clear();
        }
        return y;
    }

    /// <summary>
    /// Multiplication in GF(2^128) mod x^128 + x^7 + x^2 + x + 1, on byte-reversed blocks: there the coefficient of x^i
    /// sits at bit 127 − i, so the carry-less product of two operands is the 255-bit product reflected, one bit short
    /// of 256. Shifted left by one, its high half is the product's low part (degrees 0..127) and its low half Q the
    /// high part P_hi. Since x^128 ≡ x^7 + x^2 + x + 1, P_hi·x^128 folds back as Q ⊕ Q≫1 ⊕ Q≫2 ⊕ Q≫7; the bits those
    /// right shifts push out (degrees 128..134) are Q's lowest bits moved to the top (Q≪63, Q≪62, Q≪57, all within the
    /// high word) and fold the same way once more, which is why they are added to Q's high word before the shifts.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<ulong> Multiply(Vector128<ulong> a, Vector128<ulong> b)
    {
        var (low, middle, high) = MultiplyWide(a, b);
        return Reduce(low, middle, high);
    }

    /// <summary>
    /// The unreduced carry-less product as its three partial products: the low and high halves' and the sum of the two
    /// cross terms. Products are linear, so several of them can be added (XOR) and reduced once (see BodyFingerprint).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (Vector128<ulong> Low, Vector128<ulong> Middle, Vector128<ulong> High) MultiplyWide(Vector128<ulong> a, Vector128<ulong> b) =>
        (Pclmulqdq.CarrylessMultiply(a, b, 0x00),
         Pclmulqdq.CarrylessMultiply(a, b, 0x01) ^ Pclmulqdq.CarrylessMultiply(a, b, 0x10),
         Pclmulqdq.CarrylessMultiply(a, b, 0x11));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<ulong> Reduce(Vector128<ulong> low, Vector128<ulong> middle, Vector128<ulong> high)
    {
        ulong x0 = low.GetElement(0);
        ulong x1 = low.GetElement(1) ^ middle.GetElement(0);
        ulong x2 = high.GetElement(0) ^ middle.GetElement(1);
        ulong x3 = high.GetElement(1);

        x3 = (x3 << 1) | (x2 >> 63);
        x2 = (x2 << 1) | (x1 >> 63);
        x1 = (x1 << 1) | (x0 >> 63);
        x0 <<= 1;

        var d = x1 ^ (x0 << 63) ^ (x0 << 62) ^ (x0 << 57);
        var h0 = x0 ^ ((x0 >> 1) | (d << 63)) ^ ((x0 >> 2) | (d << 62)) ^ ((x0 >> 7) | (d << 57));
        var h1 = d ^ (d >> 1) ^ (d >> 2) ^ (d >> 7);
        return Vector128.Create(x2 ^ h0, x3 ^ h1);
    }

    /// <summary>Byte reversal: puts GCM's first bit (the coefficient of x^0) at bit 127 of the register.</summary>
    internal static Vector128<byte> Reflect(Vector128<byte> block) =>
        Ssse3.Shuffle(block, Vector128.Create((byte)15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0));

    internal Vector128<byte> EncryptBlock(Vector128<byte> block)
    {
        ReadOnlySpan<Vector128<byte>> keys = _keys;
        var state = block ^ keys[0];
        for (var round = 1; round < Rounds; round++) state = AesNi.Encrypt(state, keys[round]);
        return AesNi.EncryptLast(state, keys[Rounds]);
    }

    private void EncryptFour(Vector128<byte> a, Vector128<byte> b, Vector128<byte> c, Vector128<byte> d, Span<byte> destination)
    {
        ReadOnlySpan<Vector128<byte>> keys = _keys;
        var key = keys[0];
        (a, b, c, d) = (a ^ key, b ^ key, c ^ key, d ^ key);
        for (var round = 1; round < Rounds; round++)
        {
            key = keys[round];
            (a, b, c, d) = (AesNi.Encrypt(a, key), AesNi.Encrypt(b, key), AesNi.Encrypt(c, key), AesNi.Encrypt(d, key));
        }
        key = keys[Rounds];
        AesNi.EncryptLast(a, key).CopyTo(destination);
        AesNi.EncryptLast(b, key).CopyTo(destination[BlockSize..]);
        AesNi.EncryptLast(c, key).CopyTo(destination[(2 * BlockSize)..]);
        AesNi.EncryptLast(d, key).CopyTo(destination[(3 * BlockSize)..]);
    }

    /// <summary>
    /// FIPS 197's AES-256 key expansion, words read little-endian (so RotWord is a rotation right by 8). SubWord is
    /// AESKEYGENASSIST's, which substitutes in constant time where an S-box table would index memory by key bytes.
    /// </summary>
    private static void ExpandKey(ReadOnlySpan<byte> key, Span<Vector128<byte>> roundKeys)
    {
        Span<uint> w = stackalloc uint[4 * (Rounds + 1)];
        for (var i = 0; i < 8; i++) w[i] = BinaryPrimitives.ReadUInt32LittleEndian(key[(4 * i)..]);
        uint rcon = 1;
        for (var i = 8; i < w.Length; i++)
        {
            var temp = w[i - 1];
            if (i % 8 == 0)
            {
                temp = BitOperations.RotateRight(SubWord(temp), 8) ^ rcon;
                rcon <<= 1;
            }
            else if (i % 8 == 4)
            {
                temp = SubWord(temp);
            }
            w[i] = w[i - 8] ^ temp;
        }
        for (var round = 0; round <= Rounds; round++)
            roundKeys[round] = Vector128.Create(w[4 * round], w[4 * round + 1], w[4 * round + 2], w[4 * round + 3]).AsByte();
        w.Clear();
    }

    // AESKEYGENASSIST's lowest word is SubWord of the second word of its input.
    private static uint SubWord(uint word) => AesNi.KeygenAssist(Vector128.Create(0u, word, 0u, 0u).AsByte(), 0).AsUInt32().ToScalar();
}
