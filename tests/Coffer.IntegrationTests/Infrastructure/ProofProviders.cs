namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>
/// The local stand-ins the proof-based logins ask: an OpenID provider (OIDC), a Kubernetes TokenReview API and an AWS
/// STS, started together for a test class and stopped with it.
/// </summary>
public sealed class ProofProviders : IAsyncDisposable
{
    private ProofProviders(TestIssuer issuer, TestKubernetesApi kubernetes, TestSts sts)
    {
        Issuer = issuer;
        Kubernetes = kubernetes;
        Sts = sts;
    }

    public TestIssuer Issuer { get; }

    public TestKubernetesApi Kubernetes { get; }

    public TestSts Sts { get; }

    public static async Task<ProofProviders> StartAsync() =>
        new(await TestIssuer.StartAsync(), await TestKubernetesApi.StartAsync(), await TestSts.StartAsync());

    public async ValueTask DisposeAsync()
    {
        await Issuer.DisposeAsync();
        await Kubernetes.DisposeAsync();
        await Sts.DisposeAsync();
    }
}
