using System.Data.Common;
using Coffer.Server.Configuration;
using Npgsql;

namespace Coffer.Server.Hosting;

/// <summary>Turns DB_CONNECTION_URI (URI or key=value) and DB_ROOT_CERT into an Npgsql connection string.</summary>
public static class PostgresConnection
{
    /// <summary>Seconds to wait for a new connection (TCP, TLS and login), or for a free one in a full pool.</summary>
    public const int DefaultConnectTimeoutSeconds = 2;

    /// <summary>Seconds a statement may run; a server that stopped answering mid-query must not hold a request longer.</summary>
    public const int DefaultCommandTimeoutSeconds = 2;

    /// <summary>Milliseconds to wait for PostgreSQL to confirm a cancelled statement before dropping the connection.</summary>
    public const int DefaultCancellationTimeoutMs = 500;

    public static string Build(CofferOptions options)
    {
        try
        {
            var parsed = DatabaseUrl.Parse(options.DatabaseUri!, options.DatabaseRootCertificate, options.DataDirectory).Value;
            return WithOutageBounds(parsed);
        }
        catch (DatabaseUrlException ex)
        {
            throw new ConfigurationException(ex.Message);
        }
    }

    /// <summary>
    /// Npgsql waits 15 s to connect and 30 s for a statement by default: during an outage a request would hang that
    /// long. Coffer's statements are small, so shorter bounds keep every request under 5 s. The worst case is a
    /// server that stops answering on an open connection: the statement times out, then Npgsql opens a second
    /// connection to send PostgreSQL's cancel request and waits up to the connect timeout for it, so the wait is
    /// command timeout + connect timeout (+ the cancellation timeout when the cancel gets through): 2 + 2 (+ 0.5) s.
    /// Values the operator set (<c>connect_timeout</c>, or <c>Timeout</c>, <c>Command Timeout</c>,
    /// <c>Cancellation Timeout</c> in the key=value form) are kept.
    /// </summary>
    public static string WithOutageBounds(string connectionString)
    {
        var set = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var keys = set.Keys.Cast<string>().Select(k => k.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant()).ToHashSet();
        var builder = DatabaseUrl.Npgsql(connectionString);

        if (!keys.Contains("timeout")) builder.Timeout = DefaultConnectTimeoutSeconds;
        if (!keys.Contains("commandtimeout")) builder.CommandTimeout = DefaultCommandTimeoutSeconds;
        if (!keys.Contains("cancellationtimeout")) builder.CancellationTimeout = DefaultCancellationTimeoutMs;
        return builder.ConnectionString;
    }
}
