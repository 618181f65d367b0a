namespace Coffer.Server.Data;

/// <summary>
/// Marks the code that runs inside a write unit (the work given to <see cref="Db.WriteAsync{T}"/>), so the rules the
/// write path relies on are enforced rather than remembered. On SQLite every write of the process queues for one
/// writer: a second write started from inside a unit would wait for the unit that waits for it, forever; and anything
/// slow inside a unit (password hashing, signing, a network call) holds up every write queued behind it. Each of those
/// asks <see cref="ThrowIfInside"/> first and fails loudly instead.
/// </summary>
public static class WriteUnit
{
    private static readonly AsyncLocal<bool> Inside = new();

    /// <summary>True in the async flow of a running write unit.</summary>
    public static bool IsActive => Inside.Value;

    /// <summary>
    /// Runs <paramref name="work"/> marked as a write unit. The mark lives in this call's async flow only: an async
    /// method's changes to an <see cref="AsyncLocal{T}"/> do not flow back to its caller.
    /// </summary>
    internal static async Task<T> RunAsync<T>(Func<Task<T>> work)
    {
        Inside.Value = true;
        return await work();
    }

    /// <exception cref="WriteUnitViolationException">Inside a write unit.</exception>
    public static void ThrowIfInside(string what)
    {
        if (Inside.Value) throw new WriteUnitViolationException(what);
    }
}

/// <summary>A programming error: something that must not happen inside a write unit did (see <see cref="WriteUnit"/>).</summary>
public sealed class WriteUnitViolationException(string what)
    : InvalidOperationException($"{what} inside a write unit. Do it before or after the write: on SQLite every write waits behind this one.");
