namespace Coffer.Cli.Api;

/// <summary>
/// The official SDK's retry budget (client-calls.md §1): 4 retries after the first try, backoff
/// 1 s, 2 s, 4 s, 8 s with ±20 % jitter, only on HTTP 429 and network failures, 10 s per attempt.
/// Against a dead server a command therefore gives up after about 15 s, like the SDK.
/// </summary>
internal sealed record RetryPolicy(
    int MaxRetries,
    TimeSpan BaseDelay,
    double Jitter,
    TimeSpan AttemptTimeout,
    Func<TimeSpan, CancellationToken, Task> Delay)
{
    public static RetryPolicy Sdk { get; } = new(4, TimeSpan.FromSeconds(1), 0.2, TimeSpan.FromSeconds(10), Task.Delay);

    /// <summary>Delay before retry number <paramref name="retry"/> (1-based), jittered by <paramref name="unitRandom"/> in [0,1).</summary>
    public TimeSpan DelayBefore(int retry, double unitRandom)
    {
        var baseMs = BaseDelay.TotalMilliseconds * Math.Pow(2, retry - 1);
        var factor = 1 + (Jitter * ((unitRandom * 2) - 1));
        return TimeSpan.FromMilliseconds(baseMs * factor);
    }
}
