using Coffer.Server.Crypto;

namespace Coffer.Server.Features.Secrets;

/// <summary>
/// A project's data keys as this instance last loaded them: the current key, which seals everything written from now
/// on, and any older key that rows are still sealed under while a rotation re-seals them. A key version never changes
/// once made, so a snapshot is never wrong, only possibly incomplete (another instance rotated since).
/// </summary>
public sealed class ProjectKeys
{
    private readonly IReadOnlyDictionary<long, DataKey> _byVersion;

    internal ProjectKeys(string projectId, long currentVersion, IReadOnlyDictionary<long, DataKey> byVersion)
    {
        ProjectId = projectId;
        CurrentVersion = currentVersion;
        _byVersion = byVersion;
        Current = byVersion[currentVersion];
    }

    public string ProjectId { get; }

    /// <summary>The newest key's number; new rows record it.</summary>
    public long CurrentVersion { get; }

    public DataKey Current { get; }

    internal IReadOnlyDictionary<long, DataKey> ByVersion => _byVersion;

    /// <summary>The key a row was sealed under. A version this snapshot lacks means the snapshot is stale.</summary>
    public DataKey For(long keyVersion) =>
        _byVersion.TryGetValue(keyVersion, out var key) ? key : throw new StaleKeyRingException(ProjectId);
}

/// <summary>
/// A request met a row sealed under a key this instance had not loaded, or sealed under a key that is no longer the
/// current one (a rotation started elsewhere). Nothing was written: the work is redone once with the keys reloaded.
/// </summary>
public sealed class StaleKeyRingException(string projectId)
    : Exception($"The data keys of project {projectId} changed while a request was using them.")
{
    public string ProjectId { get; } = projectId;
}
