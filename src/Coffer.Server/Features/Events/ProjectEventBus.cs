using System.Text;
using System.Text.Json;
using Coffer.Server.Data;

namespace Coffer.Server.Features.Events;

/// <summary>
/// Carries committed changes to every subscriber: on SQLite (one process) straight to this process's hub; on
/// PostgreSQL through <c>NOTIFY</c>, which every instance sharing the database — this one included — hears through its
/// <see cref="ProjectEventListener"/>.
/// </summary>
public sealed partial class ProjectEventBus(Db db, ProjectEventHub hub, ImportedChanges imported, ILogger<ProjectEventBus> logger)
{
    public const string Channel = "coffer_project_events";

    // PostgreSQL refuses payloads of 8000 bytes or more.
    private const int MaxPayloadBytes = 7000;

    /// <summary>Publishes events of work that has committed. A failure is logged, never thrown: the write happened.</summary>
    public async Task PublishAsync(IReadOnlyList<ProjectEvent> events)
    {
        if (events.Count == 0) return;
        if (!db.IsShared)
        {
            await DeliverAsync(events);
            return;
        }
        foreach (var payload in Payloads(events))
        {
            try
            {
                await db.NotifyAsync(Channel, payload);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogPublishFailed(logger, ex, events.Count);
                return;
            }
        }
    }

    /// <summary>
    /// Hands events to this process's subscribers. Work happens only for watched projects: the import mutations a change
    /// causes are looked up here, on the receiving side, so a write pays nothing for them when nobody listens.
    /// </summary>
    internal async Task DeliverAsync(IReadOnlyList<ProjectEvent> events)
    {
        var watched = events.Where(e => hub.IsWatched(e.ProjectId)).ToList();
        if (watched.Count == 0) return;
        try
        {
            var mutations = await imported.ForAsync(watched);
            if (mutations.Count > 0) watched = [.. watched, .. mutations];
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogPublishFailed(logger, ex, watched.Count);
        }
        hub.Dispatch(watched);
    }

    internal static List<ProjectEvent> Parse(string payload) =>
        JsonSerializer.Deserialize(payload, ProjectEventJson.Default.ListProjectEvent) ?? [];

    /// <summary>JSON arrays of events, each under PostgreSQL's payload limit; each event is serialized once.</summary>
    private static IEnumerable<string> Payloads(IReadOnlyList<ProjectEvent> events)
    {
        var batch = new StringBuilder("[");
        var bytes = 2;
        foreach (var e in events)
        {
            var one = JsonSerializer.Serialize(e, ProjectEventJson.Default.ProjectEvent);
            // The bytes this event adds: itself and a separator (or, for the first, the brackets already counted).
            var added = Encoding.UTF8.GetByteCount(one) + (batch.Length > 1 ? 1 : 0);
            if (batch.Length > 1 && bytes + added > MaxPayloadBytes)
            {
                yield return batch.Append(']').ToString();
                batch.Clear().Append('[');
                bytes = 2;
                added -= 1;
            }
            if (batch.Length > 1) batch.Append(',');
            batch.Append(one);
            bytes += added;
        }
        if (batch.Length > 1) yield return batch.Append(']').ToString();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish {Count} project events; subscribers will not hear of them")]
    private static partial void LogPublishFailed(ILogger logger, Exception ex, int count);
}
