using System.Net.Sockets;
using Coffer.Server.Data;
using Coffer.Server.Errors;
using Npgsql;

namespace Coffer.Tests.Data;

/// <summary>Which database errors mean "unreachable right now" (503) rather than a fault (500).</summary>
public class DbUnavailableTests
{
    public static TheoryData<string, Exception> Unavailable => new()
    {
        { "connection refused", new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused)) },
        { "connection dropped", new NpgsqlException("Exception while reading from stream", new EndOfStreamException()) },
        { "timeout", new NpgsqlException("The operation has timed out", new TimeoutException()) },
        { "pool exhausted", new NpgsqlException("The connection pool has been exhausted", new TimeoutException()) },
        { "admin shutdown", Postgres("57P01") },
        { "crash shutdown", Postgres("57P02") },
        { "starting up", Postgres("57P03") },
        { "too many connections", Postgres("53300") },
        { "statement cancelled by timeout", Postgres("57014") },
        { "connection failure", Postgres("08006") },
        { "already mapped", new DatabaseUnavailableException() },
    };

    public static TheoryData<string, Exception> Faults => new()
    {
        { "unique violation", Postgres("23505") },
        { "syntax error", Postgres("42601") },
        // Transient for Npgsql, but the database is up: a 503 saying it is unavailable would mislead.
        { "serialization failure", Postgres("40001") },
        { "deadlock", Postgres("40P01") },
        { "wrong password", Postgres("28P01") },
        { "plain bug", new InvalidOperationException("bug") },
    };

    [Theory]
    [MemberData(nameof(Unavailable))]
    public void Outages_are_unavailable(string why, Exception ex) => Assert.True(Db.IsUnavailable(ex), why);

    [Theory]
    [MemberData(nameof(Faults))]
    public void Faults_are_not(string why, Exception ex) => Assert.False(Db.IsUnavailable(ex), why);

    private static PostgresException Postgres(string sqlState) => new("message", "FATAL", "FATAL", sqlState);
}
