using Coffer.Server.Data;

namespace Coffer.Server.Features.DataKeyRotation;

/// <summary>
/// At start-up, finishes every data-key rotation a stopped or crashed server left half done, in the background: the
/// server serves meanwhile (rows under either key open), and a failure is logged, never fatal.
/// </summary>
public sealed partial class DataKeyRotationResumer(Db db, DataKeyRotationService rotation, ILogger<DataKeyRotationResumer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let start-up finish first; the rotation is not urgent, serving is.
        await Task.Yield();
        List<string> unfinished;
        try
        {
            unfinished = await db.ReadAsync(DataKeyRotationStore.UnfinishedAsync, stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, ex, "(listing)");
            return;
        }
        foreach (var projectId in unfinished)
        {
            try
            {
                LogResuming(logger, projectId);
                await rotation.ResumeAsync(projectId, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogFailed(logger, ex, projectId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Resuming the unfinished data-key rotation of project {ProjectId}")]
    private static partial void LogResuming(ILogger logger, string projectId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not finish the data-key rotation of project {ProjectId}; it stays readable and a new rotate-data-key call continues it")]
    private static partial void LogFailed(ILogger logger, Exception exception, string projectId);
}
