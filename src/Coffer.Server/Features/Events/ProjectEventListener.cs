using Coffer.Server.Data;

namespace Coffer.Server.Features.Events;

/// <summary>
/// On PostgreSQL, listens for the events every instance publishes and hands them to this process's subscribers. A
/// lost connection is reopened with a growing pause (events sent meanwhile are not replayed; subscribers such as the
/// Kubernetes operator also resynchronise on their own schedule).
/// </summary>
public sealed partial class ProjectEventListener(Db db, ProjectEventBus bus, ILogger<ProjectEventListener> logger) : BackgroundService
{
    // Notifications arrive on Npgsql's thread; one consumer delivers them in order, off that thread.
    private readonly System.Threading.Channels.Channel<string> _received = System.Threading.Channels.Channel.CreateUnbounded<string>(
        new System.Threading.Channels.UnboundedChannelOptions { SingleReader = true });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!db.IsShared) return;
        var delivering = DeliverAsync(stoppingToken);
        var pause = TimeSpan.FromMilliseconds(100);
        try
        {
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
        finally
        {
            _received.Writer.TryComplete();
            await delivering;
        }
    }

    private void OnMessage(string payload) => _received.Writer.TryWrite(payload);

    private async Task DeliverAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var payload in _received.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await bus.DeliverAsync(ProjectEventBus.Parse(payload));
                }
                catch (System.Text.Json.JsonException ex)
                {
                    LogMalformed(logger, ex);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogDeliveryFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Project event listener lost its connection; reconnecting in {Pause}")]
    private static partial void LogReconnecting(ILogger logger, Exception ex, TimeSpan pause);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a malformed project event notification")]
    private static partial void LogMalformed(ILogger logger, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not deliver a project event notification to this instance's subscribers")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception ex);
}
