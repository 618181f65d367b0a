using System.Data.Common;
using Npgsql;

namespace Coffer.Server.Data;

/// <summary>
/// Every use of Npgsql's own types outside configuration. Kept apart so that a server on SQLite never loads the Npgsql
/// assembly: the runtime loads it when it compiles a method that names one of its types, so callers reach these
/// methods only once they know the engine (or the exception) is PostgreSQL's.
/// </summary>
internal static class PostgresEngine
{
    /// <param name="readOnly">
    /// For the reads' pool: every transaction on its connections is read-only (<c>default_transaction_read_only</c>, set
    /// at connection start-up, no extra round trip), so a write that slipped into a read fails instead of committing
    /// outside any write unit.
    /// </param>
    public static DbDataSource CreateDataSource(string connectionString, bool readOnly = false)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (readOnly)
            builder.ConnectionStringBuilder.Options = $"{builder.ConnectionStringBuilder.Options} -c default_transaction_read_only=on".Trim();
        // The same few statements run on every request (the security epoch, content versions, token state): let Npgsql
        // prepare them server-side after a couple of uses instead of having PostgreSQL parse and plan them each time.
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0) builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
        return builder.Build();
    }

    /// <summary>Drops every idle pooled connection: after an outage they are all dead.</summary>
    public static void ClearPool(DbDataSource source) => ((NpgsqlDataSource)source).Clear();

    /// <summary>True for Npgsql's exceptions; cheap, and loads nothing.</summary>
    public static bool Owns(Exception ex) => ex.GetType().Namespace == "Npgsql";

    /// <summary>Errors that mean "the database cannot be reached right now", as opposed to a bug or a constraint.</summary>
    public static bool IsUnavailable(Exception ex) => ex switch
    {
        // Server-side codes first: a PostgresException is also an NpgsqlException, and its IsTransient covers
        // serialization failures and deadlocks, which are not outages.
        PostgresException pg => pg.SqlState is "57P01" or "57P02" or "57P03" or "53300" or "57014"
            || pg.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException { IsTransient: true } => true,
        NpgsqlException { InnerException: System.Net.Sockets.SocketException or IOException or TimeoutException } => true,
        _ => false,
    };

    public static bool IsUniqueViolation(Exception ex) => ex is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    /// <summary>PostgreSQL refuses some text SQLite takes (a NUL character above all): the client sent it.</summary>
    public static bool IsRefusedText(Exception ex) => ex is PostgresException { SqlState: "22021" or "22P05" };

    /// <summary>"SQLSTATE message" of a server-side refusal (wrong password, missing database), else null.</summary>
    public static string? ServerRefusal(Exception ex) => ex is PostgresException pg ? $"{pg.SqlState} {pg.MessageText}" : null;

    /// <summary>
    /// Holds one connection of <paramref name="source"/> listening on <paramref name="channel"/> and hands each payload
    /// to <paramref name="onMessage"/> until <paramref name="ct"/> ends or the connection fails (the caller reconnects).
    /// </summary>
    public static async Task ListenAsync(DbDataSource source, string channel, Action<string> onMessage, CancellationToken ct)
    {
        await using var conn = (NpgsqlConnection)await source.OpenConnectionAsync(ct);
        conn.Notification += (_, e) => onMessage(e.Payload);
        await using (var listen = conn.CreateCommand())
        {
            listen.CommandText = $"LISTEN {channel}";
            await listen.ExecuteNonQueryAsync(ct);
        }
        while (!ct.IsCancellationRequested)
            await conn.WaitAsync(ct);
    }
}
