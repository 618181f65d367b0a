using System.Reflection;
using System.Security.Cryptography;
using Coffer.Server.Crypto;
using Coffer.Tests.Architecture;

namespace Coffer.Tests.Crypto;

/// <summary>
/// Timing cannot be measured reliably on a loaded machine, so these check what the compiled comparisons do instead of
/// how long they take: each place that decides whether a secret-derived value matches ends in
/// <see cref="CryptographicOperations.FixedTimeEquals"/> and calls no comparison that stops at the first difference;
/// and a value differing only in its first or only in its last byte is refused the same way.
/// </summary>
public sealed class ConstantTimeTests
{
    private const BindingFlags AnyMethod = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;

    public static TheoryData<string, string> Comparisons => new()
    {
        { nameof(SecretHasher), nameof(SecretHasher.Verify) },
        { nameof(PasswordHasher), nameof(PasswordHasher.Verify) },
        { nameof(JwtCodec), "SignatureMatches" },
    };

    [Theory]
    [MemberData(nameof(Comparisons))]
    public void Each_secret_comparison_ends_in_FixedTimeEquals_and_nothing_that_exits_early(string type, string method)
    {
        var found = typeof(SecretHasher).Assembly.GetType($"Coffer.Server.Crypto.{type}")!.GetMethods(AnyMethod)
            .Where(m => m.Name == method).ToList();
        Assert.NotEmpty(found);
        foreach (var m in found)
        {
            var called = TypeDependencies.MembersNamedIn(m).OfType<MethodBase>().ToList();
            Assert.Contains(called, c => c.DeclaringType == typeof(CryptographicOperations) && c.Name == nameof(CryptographicOperations.FixedTimeEquals));
            Assert.DoesNotContain(called, IsEarlyExitComparison);
        }
    }

    [Fact]
    public void The_early_exit_detector_sees_an_early_exit_comparison()
    {
        // PasswordHasher's parser compares the algorithm name (not a secret) with SequenceEqual: the detector must see it.
        var parse = typeof(PasswordHasher).GetMethods(AnyMethod).Where(m => m.Name != nameof(PasswordHasher.Verify))
            .SelectMany(TypeDependencies.MembersNamedIn).OfType<MethodBase>();
        Assert.Contains(parse, IsEarlyExitComparison);
    }

    [Fact]
    public void A_client_secret_hash_differing_in_its_first_or_its_last_byte_does_not_verify()
    {
        using var hasher = new SecretHasher(RandomNumberGenerator.GetBytes(32));
        var secret = RandomSecrets.ClientSecret();
        var hash = hasher.Hash(secret);

        Assert.True(hasher.Verify(secret, hash));
        Assert.False(hasher.Verify(secret, Flip(hash, 0)));
        Assert.False(hasher.Verify(secret, Flip(hash, hash.Length - 1)));
    }

    [Fact]
    public void A_password_hash_differing_in_its_first_or_its_last_byte_does_not_verify()
    {
        var encoded = PasswordHasher.Hash("correct horse battery staple");
        var hash = Convert.FromBase64String(encoded[(encoded.LastIndexOf('$') + 1)..]);
        string With(byte[] h) => encoded[..(encoded.LastIndexOf('$') + 1)] + Convert.ToBase64String(h);

        Assert.True(PasswordHasher.Verify("correct horse battery staple", With(hash)));
        foreach (var index in new[] { 0, hash.Length - 1 })
        {
            var changed = (byte[])hash.Clone();
            changed[index] ^= 1;
            Assert.False(PasswordHasher.Verify("correct horse battery staple", With(changed)));
        }
    }

    private static bool IsEarlyExitComparison(MethodBase m) =>
        (m.DeclaringType == typeof(MemoryExtensions) && m.Name is nameof(MemoryExtensions.SequenceEqual) or nameof(MemoryExtensions.SequenceCompareTo))
        || (m.DeclaringType == typeof(Enumerable) && m.Name == nameof(Enumerable.SequenceEqual))
        || (m.DeclaringType == typeof(string) && m.Name is nameof(string.Equals) or "op_Equality" or "op_Inequality" or nameof(string.CompareOrdinal) or nameof(string.Compare))
        || (m.DeclaringType == typeof(Array) && m.Name == "Equals");

    private static string Flip(string hex, int index) =>
        string.Concat(hex.AsSpan(0, index), hex[index] == '0' ? "1" : "0", hex.AsSpan(index + 1));
}
