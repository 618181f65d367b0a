using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Coffer.Server.Features.DynamicSecrets.Providers;

/// <summary>
/// A provider's <c>ca</c> input as a certificate check: the server's chain must end at one of the given PEM
/// certificates (only those, not the system's roots). The host name is not compared: providers are reached by the
/// address Coffer resolved, and Infisical's users give IP addresses as often as names.
/// </summary>
public static class TrustedCa
{
    public static RemoteCertificateValidationCallback Validator(string pem)
    {
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPem(pem);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            throw new BadRequestException("The CA certificate is not a valid PEM certificate");
        }
        if (roots.Count == 0) throw new BadRequestException("The CA certificate is not a valid PEM certificate");
        return (_, certificate, _, _) =>
        {
            if (certificate is null) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(certificate));
        };
    }
}
