using System.Diagnostics.Metrics;
using Coffer.IntegrationTests.Infrastructure;
using Coffer.Server.Diagnostics;

namespace Coffer.IntegrationTests.Auth;

/// <summary>
/// A login with an unknown client id does the same work as one with a known id: one client-secret hash comparison
/// (counted by the server's own metric), so the id space cannot be mapped by timing.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class LoginTimingTests(ServerFixture fx) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Every_login_outcome_costs_exactly_one_hash_comparison()
    {
        var (clientId, secret) = await fx.Given.UniversalAuthAsync(await fx.Given.IdentityAsync(), new { lockoutEnabled = false });
        var cases = new (string Name, object Body, int Status)[]
        {
            ("unknown client id", new { clientId = Guid.NewGuid().ToString(), clientSecret = secret }, 401),
            ("known id, wrong secret", new { clientId, clientSecret = new string('0', 64) }, 401),
            ("known id, same prefix, wrong secret", new { clientId, clientSecret = secret[..4] + new string('0', 60) }, 401),
            ("known id, right secret", new { clientId, clientSecret = secret }, 200),
        };
        foreach (var (name, body, status) in cases)
        {
            var count = await CountVerificationsAsync(async () => Assert.Equal(status, (await fx.Api.PostAsync("/api/v1/auth/universal-auth/login", body)).Code));
            Assert.True(count == 1, $"{name}: {count} comparisons");
        }
    }

    private static async Task<long> CountVerificationsAsync(Func<Task> action)
    {
        long count = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == CofferMetrics.MeterName && instrument.Name == "coffer.auth.client_secret_verifications")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref count, value));
        listener.Start();
        await action();
        return Interlocked.Read(ref count);
    }
}
