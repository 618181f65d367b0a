using System.Data.Common;
using Dapper;

namespace Coffer.Server.Data;

/// <summary>
/// The security epoch and, when the request names a project, that project's content version, read together: on
/// PostgreSQL one round trip instead of two for every secret read. The version is handed out once
/// (<see cref="ContentVersionHint.TryTake"/>), to the first content read of the request; any later read asks again,
/// so a long request (an event stream) never builds on a number read when it started.
/// </summary>
public static class RequestCounters
{
    public static async Task<(long Epoch, long Version)> ReadAsync(DbConnection conn, string projectId)
    {
        var row = await conn.QuerySingleAsync<(long, long?)>(
            """
            SELECT (SELECT value FROM coffer_state WHERE key = 'security_epoch'),
                   (SELECT version FROM project_content_versions WHERE project_id = @projectId)
            """, new { projectId });
        return (row.Item1, row.Item2 ?? 0);
    }
}

/// <summary>A project's content version read while authenticating, for the request's first content read of that project.</summary>
public sealed class ContentVersionHint(string projectId, long version)
{
    private int _taken;

    /// <summary>The version if it is for <paramref name="project"/> and not yet taken; only the first caller gets it.</summary>
    public bool TryTake(string project, out long value)
    {
        value = version;
        return string.Equals(project, projectId, StringComparison.Ordinal) && Interlocked.Exchange(ref _taken, 1) == 0;
    }
}
