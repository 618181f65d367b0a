namespace Coffer.Server.Data;

/// <summary>Times are stored as Unix milliseconds; responses carry them as UTC DateTimes.</summary>
public static class UnixMs
{
    public static DateTime ToUtc(long ms) => DateTime.UnixEpoch.AddMilliseconds(ms);
    public static DateTime? ToUtc(long? ms) => ms is null ? null : DateTime.UnixEpoch.AddMilliseconds(ms.Value);
    public static long Now(TimeProvider time) => time.GetUtcNow().ToUnixTimeMilliseconds();
}
