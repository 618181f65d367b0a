using System.Globalization;
using Coffer.Server.Crypto;
using Coffer.Server.Features.Secrets;

namespace Coffer.Tests.Crypto;

public class AssociatedDataTests
{
    [Theory]
    [InlineData(0L)]
    [InlineData(7L)]
    [InlineData(10L)]
    [InlineData(1234567L)]
    [InlineData(-3L)]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    public void TheStackWriterWritesWhatCreateMakes(long number)
    {
        var expected = AssociatedData.Create("coffer-secret", "pröject", number.ToString(CultureInfo.InvariantCulture), "");
        var length = AssociatedData.LengthOf("coffer-secret") + AssociatedData.LengthOf("pröject") + AssociatedData.LengthOf(number) +
            AssociatedData.LengthOf("");
        Span<byte> buffer = stackalloc byte[length];

        var writer = new AssociatedDataWriter(buffer);
        writer.Add("coffer-secret");
        writer.Add("pröject");
        writer.Add(number);
        writer.Add("");

        Assert.Equal(expected.Length, length);
        Assert.Equal(expected, writer.Written.ToArray());
    }

    /// <summary>
    /// Secrets stored before the associated data was built on the stack were sealed with <see cref="AssociatedData.Create"/>
    /// and the version as text; they must keep opening, and what is sealed now must open the old way.
    /// </summary>
    [Fact]
    public void SecretFieldsKeepTheirStoredAssociatedData()
    {
        using var key = DataKeys.Generate();
        var projectId = Guid.NewGuid().ToString();
        var secretId = Guid.NewGuid().ToString();
        var stored = AssociatedData.Create("coffer-secret", projectId, secretId, "42", SecretCrypto.Value);

        var sealedBefore = key.Seal("postgres://db", stored);
        Assert.Equal("postgres://db", SecretCrypto.Open(key, projectId, secretId, 42, SecretCrypto.Value, sealedBefore));

        var sealedNow = SecretCrypto.Seal(key, projectId, secretId, 42, SecretCrypto.Value, "postgres://db");
        Assert.Equal("postgres://db", key.OpenString(sealedNow, stored));
        Assert.Throws<DecryptionFailedException>(() => SecretCrypto.Open(key, projectId, secretId, 43, SecretCrypto.Value, sealedNow));
    }
}
