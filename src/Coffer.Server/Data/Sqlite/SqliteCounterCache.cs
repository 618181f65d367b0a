using System.Collections.Concurrent;

namespace Coffer.Server.Data.Sqlite;

/// <summary>
/// The security epoch and content versions on SQLite, read from the database only when a write may have changed them.
/// SQLite serves one process (docs/configuration.md), and every write of that process commits through
/// <see cref="SqliteWriter"/>, which counts its commits before it answers any caller. A value read after commit
/// number N was observed is therefore current for as long as the count stays N: a revocation's response is only sent
/// after its commit was counted, so the next request sees a new count and reads the new value. The reads themselves
/// are the ordinary queries (<see cref="SecurityEpoch.ReadAsync"/>), made by the caller.
/// </summary>
internal sealed class SqliteCounterCache(SqliteWriter writer)
{
    private sealed record Known(long Commits, long Value);

    private Known? _epoch;
    private readonly ConcurrentDictionary<string, Known> _versions = new(StringComparer.Ordinal);

    public ValueTask<long> SecurityEpochAsync(Func<Task<long>> read)
    {
        // The count is taken before the read: the value read can only be newer than the count says, never older.
        var commits = writer.Commits;
        var known = Volatile.Read(ref _epoch);
        return known is not null && known.Commits == commits ? ValueTask.FromResult(known.Value) : new ValueTask<long>(ReadEpochAsync(commits, read));
    }

    public ValueTask<long> ContentVersionAsync(string projectId, Func<string, Task<long>> read)
    {
        var commits = writer.Commits;
        return _versions.TryGetValue(projectId, out var known) && known.Commits == commits
            ? ValueTask.FromResult(known.Value)
            : new ValueTask<long>(ReadVersionAsync(projectId, commits, read));
    }

    private async Task<long> ReadEpochAsync(long commits, Func<Task<long>> read)
    {
        var value = await read();
        Volatile.Write(ref _epoch, new Known(commits, value));
        return value;
    }

    private async Task<long> ReadVersionAsync(string projectId, long commits, Func<string, Task<long>> read)
    {
        var value = await read(projectId);
        _versions[projectId] = new Known(commits, value);
        return value;
    }
}
