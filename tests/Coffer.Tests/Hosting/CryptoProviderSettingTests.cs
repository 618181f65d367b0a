using Coffer.Server.Crypto;
using Coffer.Server.Errors;
using Coffer.Server.Hosting;

namespace Coffer.Tests.Hosting;

/// <summary>CRYPTO_PROVIDER: libsodium by default, OpenSSL only for FIPS deployments, anything else refused by name.</summary>
public sealed class CryptoProviderSettingTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("coffer-crypto-").FullName;

    public void Dispose()
    {
        // The provider is process-wide; leave the default for whoever runs next (both give the same bytes anyway).
        SettingsLoader.Load(Env(null));
        Directory.Delete(_dataDir, recursive: true);
    }

    private Dictionary<string, string?> Env(string? provider) => new()
    {
        ["COFFER_DATA_DIR"] = _dataDir,
        ["CRYPTO_PROVIDER"] = provider,
    };

    [Theory]
    [InlineData(null, GcmProvider.Libsodium)]
    [InlineData("libsodium", GcmProvider.Libsodium)]
    [InlineData("OpenSSL", GcmProvider.OpenSsl)]
    public void The_provider_is_chosen_and_passes_its_self_test(string? value, GcmProvider expected)
    {
        var options = SettingsLoader.Load(Env(value));
        Assert.Equal(expected, options.CryptoProvider);
        Assert.Null(GcmSelfTest.Failure());
        if (expected == GcmProvider.OpenSsl) Assert.Equal("OpenSSL (System.Security.Cryptography.AesGcm)", GcmCiphers.Description);
    }

    [Fact]
    public void An_unknown_provider_is_refused_by_name()
    {
        var ex = Assert.Throws<ConfigurationException>(() => SettingsLoader.Load(Env("bouncycastle")));
        Assert.Equal("CRYPTO_PROVIDER must be libsodium or openssl, not 'bouncycastle'.", ex.Message);
    }
}
