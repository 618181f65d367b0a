using System.Net;

namespace Coffer.Server.Configuration;

/// <summary>Everything the server reads from its environment, resolved once at start-up.</summary>
public sealed class CofferOptions
{
    public required string Host { get; init; }
    public required int Port { get; init; }
    public required string SiteUrl { get; init; }
    public required bool IsProduction { get; init; }
    public required string DataDirectory { get; init; }

    /// <summary>HMAC key for access-token JWTs (Infisical's AUTH_SECRET).</summary>
    public required byte[] AuthSecret { get; init; }

    /// <summary>The root key that wraps every data key (ROOT_ENCRYPTION_KEY, or derived from ENCRYPTION_KEY).</summary>
    public required Crypto.RootKey RootKey { get; init; }

    /// <summary>Null selects the embedded SQLite file under <see cref="DataDirectory"/>.</summary>
    public string? DatabaseUri { get; init; }

    public string? DatabaseRootCertificate { get; init; }

    public string? RedisUrl { get; init; }

    /// <summary>Proxies whose X-Forwarded-For we believe; by default none, so a client cannot choose its own IP.</summary>
    public IReadOnlyList<IPNetwork> TrustedProxies { get; init; } = [];

    /// <summary>Longest lifetime of an identity token whose TTL is 0 ("never expires" in configuration).</summary>
    public long MaxIdentityAccessTokenTtlSeconds { get; init; }

    public RateLimitOptions RateLimits { get; init; } = new();

    /// <summary>Which vetted AES-256-GCM seals and opens (<c>CRYPTO_PROVIDER</c>): libsodium by default, OpenSSL for FIPS.</summary>
    public Crypto.GcmProvider CryptoProvider { get; init; } = Crypto.GcmProvider.Libsodium;

    public long MaxRequestBodyBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>How often an event stream sends a <c>ping</c> and re-checks its subscriber's access (EVENTS_HEARTBEAT_SECONDS).</summary>
    public int EventHeartbeatSeconds { get; init; } = 15;

    /// <summary>
    /// Dynamic-secret providers may be private, loopback or link-local addresses (Infisical's
    /// DYNAMIC_SECRET_ALLOW_INTERNAL_IP, or ALLOW_INTERNAL_IP_CONNECTIONS for every outbound connection).
    /// </summary>
    public bool DynamicSecretAllowInternalIp { get; init; }

    /// <summary>Every outbound connection (JWKS, OIDC discovery, …) may reach private addresses (ALLOW_INTERNAL_IP_CONNECTIONS).</summary>
    public bool AllowInternalIpConnections { get; init; }

    /// <summary>Leases one dynamic secret may hold at once (Infisical's MAX_LEASE_LIMIT).</summary>
    public int MaxLeaseLimit { get; init; } = 10_000;

    /// <summary>Coffer's own database and Redis (host, port): no dynamic secret may point at them.</summary>
    public IReadOnlyList<(string Host, int Port)> OwnServiceEndpoints { get; init; } = [];

    /// <summary>Minutes between automatic backups of the SQLite database; 0 for none (BACKUP_INTERVAL_MINUTES).</summary>
    public int BackupIntervalMinutes { get; init; }

    /// <summary>Where automatic backups go (BACKUP_DIRECTORY; default: backups/ in the data directory).</summary>
    public string BackupDirectory { get; init; } = "";

    /// <summary>How many automatic backups are kept, newest first (BACKUP_KEEP).</summary>
    public int BackupKeep { get; init; } = 7;

    /// <summary>Days audit rows are kept where no project retention applies; 0 keeps them for ever (AUDIT_LOG_RETENTION_DAYS).</summary>
    public int AuditLogRetentionDays { get; init; }

    /// <summary>Serve Prometheus metrics at /metrics on <see cref="MetricsHost"/>:<see cref="MetricsPort"/> (METRICS_ENABLED).</summary>
    public bool MetricsEnabled { get; init; }

    /// <summary>The metrics listener's address (METRICS_HOST; loopback by default, so it stays private unless opened on purpose).</summary>
    public string MetricsHost { get; init; } = "127.0.0.1";

    /// <summary>The metrics listener's port, apart from the API's (METRICS_PORT).</summary>
    public int MetricsPort { get; init; } = 9464;

    /// <summary>
    /// Where traces and metrics go by OTLP (OTEL_EXPORTER_OTLP_ENDPOINT, e.g. an OpenTelemetry Collector); null sends
    /// nothing.
    /// </summary>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary>OTLP over gRPC (the default, port 4317) or HTTP with protobuf bodies (OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf, 4318).</summary>
    public bool OtlpHttp { get; init; }

    public string SqlitePath => Path.Combine(DataDirectory, "coffer.db");
}

/// <summary>Requests per minute per client IP for each of Infisical's rate-limit policies; 0 turns a policy off.</summary>
public sealed class RateLimitOptions
{
    public int ReadPerMinute { get; init; }
    public int WritePerMinute { get; init; }
    public int SecretsPerMinute { get; init; }
    public int AuthPerMinute { get; init; } = 60;
}
