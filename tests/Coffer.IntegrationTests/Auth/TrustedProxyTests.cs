using Coffer.IntegrationTests.Infrastructure;

namespace Coffer.IntegrationTests.Auth;

public sealed class TrustedProxyFixture : ServerFixture
{
    protected override IDictionary<string, string?>? Settings => new Dictionary<string, string?> { ["TRUSTED_PROXIES"] = "127.0.0.1" };
}
