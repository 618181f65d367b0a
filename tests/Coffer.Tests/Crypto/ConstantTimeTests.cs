using System.Runtime.CompilerServices;

namespace Coffer.Tests.Crypto;

/// <summary>
/// Timing can't be measured reliably in a unit test, so this pins the code instead: every place that compares a
/// secret-derived value goes through CryptographicOperations.FixedTimeEquals and none uses an early-exit compare.
/// </summary>
public class ConstantTimeTests
{
    [Theory]
    [InlineData("SecretHasher.cs", 1)]
    [InlineData("PasswordHasher.cs", 1)]
    [InlineData("JwtCodec.cs", 1)]
    public void SecretComparisonsUseFixedTimeEquals(string file, int expectedCalls)
    {
        var source = File.ReadAllText(Path.Combine(CryptoSourceDirectory(), file));
        var calls = source.Split("CryptographicOperations.FixedTimeEquals(").Length - 1;
        Assert.Equal(expectedCalls, calls);
    }

    [Theory]
    [InlineData("SecretHasher.cs")]
    [InlineData("JwtCodec.cs")]
    public void NoEarlyExitCompareInVerificationCode(string file)
    {
        var source = File.ReadAllText(Path.Combine(CryptoSourceDirectory(), file));
        Assert.DoesNotContain("SequenceEqual(", source, StringComparison.Ordinal);
        Assert.DoesNotContain("string.Equals(", source, StringComparison.Ordinal);
    }

    private static string CryptoSourceDirectory([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "../../../src/Coffer.Server/Crypto"));
}
