
namespace Coffer.Server.Features.Users;

/// <summary>
/// A cap on concurrent password hashing. Each hash costs hundreds of milliseconds of CPU on purpose, so a flood of
/// sign-ins could keep every core busy; at most half the cores (at least one) hash at once, a bounded number of
/// callers wait their turn, and beyond that a sign-in gets a 429 at once instead of queueing without end.
/// </summary>
public sealed class PasswordWork(int capacity, int maxWaiting) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(capacity, capacity);
    private int _waiting;

    public PasswordWork()
        : this(Math.Max(1, Environment.ProcessorCount / 2), 64)
    {
    }

    public void Dispose() => _slots.Dispose();

    /// <summary>Callers waiting for a slot now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    public async Task<T> RunAsync<T>(Func<T> work, CancellationToken ct = default)
    {
        Data.WriteUnit.ThrowIfInside("Password hashing");
        if (Interlocked.Increment(ref _waiting) > maxWaiting)
        {
            Interlocked.Decrement(ref _waiting);
            throw new RateLimitedException(1);
        }
        try
        {
            await _slots.WaitAsync(ct);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
        try
        {
            return work();
        }
        finally
        {
            _slots.Release();
        }
    }
}
