using Coffer.Server.Data;

namespace Coffer.Server.Features.Events;

/// <summary>
/// On PostgreSQL, listens for the events every instance publishes and hands them to this process's subscribers. A
/// lost connection is reopened with a growing pause (events sent meanwhile are not replayed; subscribers such as the
/// Kubernetes operator also resynchronise on their own schedule).
/// </summary>
public sealed partial class ProjectEventListener(Db db, ProjectEventHub hub, ILogger<ProjectEventListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!db.IsShared) return;
        var pause = TimeSpan.FromMilliseconds(100);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await db.ListenAsync(ProjectEventBus.Channel, OnMessage, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogReconnecting(logger, ex, pause);
                await Task.Delay(pause, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    private void OnMessage(string payload)
    {
        try
        {
            hub.Dispatch(ProjectEventBus.Parse(payload));
        }
        catch (System.Text.Json.JsonException ex)
        {
            LogMalformed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Project event listener lost its connection; reconnecting in {Pause}")]
    private static partial void LogReconnecting(ILogger logger, Exception ex, TimeSpan pause);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a malformed project event notification")]
    private static partial void LogMalformed(ILogger logger, Exception ex);
}
