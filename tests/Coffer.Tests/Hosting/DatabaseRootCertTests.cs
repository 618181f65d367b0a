using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Coffer.Server.Hosting;
using Npgsql;

namespace Coffer.Tests.Hosting;

public sealed class DatabaseRootCertTests : IDisposable
{
    private static readonly string Pem = CreateCaPem();
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "coffer-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void RootCertIsWritten0600AndTurnsOnVerifyFull()
    {
        var result = DatabaseUrl.Parse("postgres://u:p@db/x", Base64(Pem), _directory);

        var path = result.RootCertificate!;
        Assert.StartsWith(Path.GetFullPath(_directory), path, StringComparison.Ordinal);
        Assert.Equal(Pem, File.ReadAllText(path));
        Assert.Equal(SslMode.VerifyFull, result.SslMode);
        Assert.Equal($"Host=db;Port=5432;Database=x;Username=u;Password=p;Root Certificate={path};SSL Mode=VerifyFull", result.Value);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        var builder = new NpgsqlConnectionStringBuilder(result.Value);
        Assert.Equal(SslMode.VerifyFull, builder.SslMode);
        Assert.Equal(path, builder.RootCertificate);
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }

    [Fact]
    public void AnExplicitSslmodeOrRootCertificateInTheUriWins()
    {
        var withMode = DatabaseUrl.Parse("postgres://u:p@db/x?sslmode=require", Base64(Pem), _directory);
        Assert.Equal(SslMode.Require, withMode.SslMode);
        Assert.NotNull(withMode.RootCertificate);

        var withCert = DatabaseUrl.Parse("postgres://u:p@db/x?sslrootcert=/etc/ca.pem", Base64(Pem), _directory);
        Assert.Equal("/etc/ca.pem", withCert.RootCertificate);
        Assert.Equal(SslMode.VerifyFull, withCert.SslMode);
    }

    [Fact]
    public void KeyValueFormGetsTheCertificateAppended()
    {
        var result = DatabaseUrl.Parse("Host=db;Username=u;Password=p;", Base64(Pem), _directory);
        Assert.Equal($"Host=db;Username=u;Password=p;Root Certificate={result.RootCertificate};SSL Mode=VerifyFull", result.Value);

        var withMode = DatabaseUrl.Parse("Host=db;sslmode=prefer", Base64(Pem), _directory);
        Assert.EndsWith(";Root Certificate=" + withMode.RootCertificate, withMode.Value, StringComparison.Ordinal);
        Assert.Equal(SslMode.Prefer, withMode.SslMode);
    }

    [Fact]
    public void SameCertificateReusesTheSameFileAndRawPemOrUrlSafeBase64IsAccepted()
    {
        var first = DatabaseUrl.Parse("postgres://db/x", Base64(Pem), _directory).RootCertificate;
        var wrapped = DatabaseUrl.Parse("postgres://db/x", WrapLines(Base64(Pem)), _directory).RootCertificate;
        var raw = DatabaseUrl.Parse("postgres://db/x", Pem, _directory).RootCertificate;
        var urlSafe = DatabaseUrl.Parse("postgres://db/x", Base64(Pem).Replace('+', '-').Replace('/', '_').TrimEnd('='), _directory).RootCertificate;

        Assert.Equal(first, wrapped);
        Assert.Equal(first, raw);
        Assert.Equal(first, urlSafe);
        Assert.Single(Directory.GetFiles(_directory));
    }

    [Theory]
    [InlineData("!!not base64!!")]
    [InlineData("aGVsbG8gd29ybGQ=")] // "hello world"
    public void ABadRootCertIsNamedAsDBROOTCERT(string value)
    {
        var error = Assert.Throws<DatabaseUrlException>(() => DatabaseUrl.Parse("postgres://db/x", value, _directory));
        Assert.Equal("DB_ROOT_CERT", error.Variable);
        Assert.StartsWith("DB_ROOT_CERT ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ARootCertNeedsADirectory() =>
        Assert.Throws<ArgumentNullException>(() => DatabaseUrl.Parse("postgres://db/x", Base64(Pem)));

    private static string Base64(string text) => Convert.ToBase64String(Encoding.ASCII.GetBytes(text));

    private static string WrapLines(string base64) => string.Join('\n', base64.Chunk(64).Select(chunk => new string(chunk)));

    private static string CreateCaPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Coffer Test CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return certificate.ExportCertificatePem() + "\n";
    }
}
