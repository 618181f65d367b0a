using Microsoft.Extensions.Time.Testing;

namespace Coffer.IntegrationTests.Infrastructure;

/// <summary>
/// Real time plus however far a test has advanced the fake clock, so tests can jump past TTLs while everything
/// else keeps moving normally.
/// </summary>
public sealed class RealTimeFollowingClock(FakeTimeProvider offsetSource) : TimeProvider
{
    private readonly DateTimeOffset _start = offsetSource.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow + (offsetSource.GetUtcNow() - _start);
}
