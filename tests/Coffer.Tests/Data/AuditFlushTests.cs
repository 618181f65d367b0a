using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Coffer.Server.Data;
using Coffer.Server.Features.AuditLogs;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coffer.Tests.Data;

/// <summary>
/// <see cref="AuditBatcher.FlushAsync"/> means "everything queued is on disk", also when the background loop has
/// already taken the events off the queue and is waiting for its write: the audit-log route and the tests' database
/// snapshots rely on it. Runs on a real database file.
/// </summary>
public sealed class AuditFlushTests : IAsyncLifetime
{
    private TempSqliteDb _temp = null!;
    private AuditBatcher _batcher = null!;
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private Db Db => _temp.Db;

    public async ValueTask InitializeAsync()
    {
        _temp = await TempSqliteDb.CreateAsync(migrate: true, Ct);
        _batcher = new AuditBatcher(Db, TimeProvider.System, _services.GetRequiredService<IMeterFactory>(), NullLogger<AuditBatcher>.Instance);
        await _batcher.StartAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _batcher.StopAsync(CancellationToken.None);
        _batcher.Dispose();
        await _temp.DisposeAsync();
        await _services.DisposeAsync();
    }

    [Fact]
    public async Task A_flush_waits_for_events_the_background_loop_holds_but_has_not_written()
    {
        // Hold the writer, so the background batch that takes the event stays in flight.
        var release = new TaskCompletionSource();
        var holder = Db.WriteAsync((conn, tx) => release.Task, Ct);
        _batcher.Enqueue(new AuditContext("identity", "id-1", new JsonObject(), "127.0.0.1", "test", "other"),
            new AuditEvent("login-identity-universal-auth", new JsonObject(), null));
        // The loop wakes, lingers 25 ms and dequeues; its write then waits behind the holder.
        await Task.Delay(300, Ct);

        Task flush;
        bool returnedEarly;
        try
        {
            flush = _batcher.FlushAsync();
            await Task.Delay(100, Ct);
            returnedEarly = flush.IsCompleted;
        }
        finally
        {
            release.SetResult();
        }
        await holder;
        await flush;
        Assert.False(returnedEarly, "the flush returned while the event was still in flight");
        var count = await Db.ReadAsync(conn => conn.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM audit_logs WHERE event_type = 'login-identity-universal-auth'"), Ct);
        Assert.Equal(1, count);
    }
}
