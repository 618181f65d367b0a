using System.Collections.Concurrent;

namespace Coffer.Server.Data;

/// <summary>
/// The security epoch and content versions on SQLite, read from the database only when a write may have changed them.
/// SQLite serves one process (docs/configuration.md), and every write of that process commits through
/// <see cref="SqliteWriter"/>, which counts its commits before it answers any caller. A value read after commit
/// number N was observed is therefore current for as long as the count stays N: a revocation's response is only sent
/// after its commit was counted, so the next request sees a new count and reads the new value.
/// </summary>
internal sealed class SqliteCounterCache(SqliteCounterReaders readers, SqliteWriter writer)
{
    private sealed record Known(long Commits, long Value);

    private Known? _epoch;
    private readonly ConcurrentDictionary<string, Known> _versions = new(StringComparer.Ordinal);

    public long SecurityEpoch()
    {
        // The count is taken before the read: the value read can only be newer than the count says, never older.
        var commits = writer.Commits;
        var known = Volatile.Read(ref _epoch);
        if (known is not null && known.Commits == commits) return known.Value;
        var value = readers.SecurityEpoch();
        Volatile.Write(ref _epoch, new Known(commits, value));
        return value;
    }

    public long ContentVersion(string projectId)
    {
        var commits = writer.Commits;
        if (_versions.TryGetValue(projectId, out var known) && known.Commits == commits) return known.Value;
        var value = readers.ContentVersion(projectId);
        _versions[projectId] = new Known(commits, value);
        return value;
    }
}
