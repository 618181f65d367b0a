using Coffer.Server.Errors;
using Coffer.Server.Features.Users;

namespace Coffer.Tests.Users;

/// <summary>Issue 29, item 8: password hashing never runs on more slots than the cap, and a flood is turned away.</summary>
public sealed class PasswordWorkTests
{
    [Fact]
    public async Task No_more_hashes_run_at_once_than_the_cap()
    {
        using var work = new PasswordWork(capacity: 2, maxWaiting: 10);
        var release = new ManualResetEventSlim(false);
        var entered = new SemaphoreSlim(0);
        var running = 0;
        var most = 0;
        int Hash()
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            entered.Release();
            release.Wait(TestContext.Current.CancellationToken);
            Interlocked.Decrement(ref running);
            return now;
        }

        var calls = Enumerable.Range(0, 5).Select(_ => Task.Run(() => work.RunAsync(Hash, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken)).ToList();
        await entered.WaitAsync(TestContext.Current.CancellationToken);
        await entered.WaitAsync(TestContext.Current.CancellationToken);
        // Two hold the slots; the three others are counted as waiting before they can enter.
        while (work.Waiting < 3) await Task.Yield();
        Assert.Equal(2, Volatile.Read(ref running));
        release.Set();
        await Task.WhenAll(calls);
        Assert.Equal(2, most);
    }

    [Fact]
    public async Task Beyond_the_waiting_room_a_sign_in_is_refused_at_once()
    {
        using var work = new PasswordWork(capacity: 1, maxWaiting: 2);
        var release = new ManualResetEventSlim(false);
        var entered = new SemaphoreSlim(0);
        var holder = Task.Run(() => work.RunAsync(() =>
        {
            entered.Release();
            release.Wait(TestContext.Current.CancellationToken);
            return 0;
        }, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
        await entered.WaitAsync(TestContext.Current.CancellationToken);
        var ct = TestContext.Current.CancellationToken;
        var queued = new[] { work.RunAsync(() => 1, ct), work.RunAsync(() => 2, ct) };
        var refused = await Assert.ThrowsAsync<RateLimitedException>(() => work.RunAsync(() => 3, ct));
        Assert.Equal(1, refused.RetryAfterSeconds);
        release.Set();
        await holder;
        var results = await Task.WhenAll(queued);
        Assert.Equal(new[] { 1, 2 }, results);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
