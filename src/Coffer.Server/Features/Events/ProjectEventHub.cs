using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Coffer.Server.Features.Events;

/// <summary>
/// The subscribers of this process, by project. Delivery never waits: a subscriber that does not keep up loses its
/// oldest undelivered events (its channel is bounded) rather than slowing a writer or another subscriber down.
/// </summary>
public sealed class ProjectEventHub
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<long, ChannelWriter<ProjectEvent>>> _byProject = new(StringComparer.Ordinal);
    private long _next;

    public int Count => _byProject.Values.Sum(s => s.Count);

    /// <summary>Whether anyone in this process listens to the project (if not, its events need no work here).</summary>
    public bool IsWatched(string projectId) => _byProject.TryGetValue(projectId, out var subscribers) && !subscribers.IsEmpty;

    public IDisposable Subscribe(string projectId, ChannelWriter<ProjectEvent> writer)
    {
        var id = Interlocked.Increment(ref _next);
        var subscribers = _byProject.GetOrAdd(projectId, _ => new ConcurrentDictionary<long, ChannelWriter<ProjectEvent>>());
        subscribers[id] = writer;
        return new Subscription(this, projectId, id);
    }

    public void Dispatch(IEnumerable<ProjectEvent> events)
    {
        foreach (var e in events)
        {
            if (!_byProject.TryGetValue(e.ProjectId, out var subscribers)) continue;
            foreach (var writer in subscribers.Values) writer.TryWrite(e);
        }
    }

    private void Remove(string projectId, long id)
    {
        if (_byProject.TryGetValue(projectId, out var subscribers)) subscribers.TryRemove(id, out _);
    }

    private sealed class Subscription(ProjectEventHub hub, string projectId, long id) : IDisposable
    {
        public void Dispose() => hub.Remove(projectId, id);
    }
}
