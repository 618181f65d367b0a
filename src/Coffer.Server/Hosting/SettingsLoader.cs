using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coffer.Server.Configuration;

namespace Coffer.Server.Hosting;

/// <summary>
/// Reads Infisical's environment names into <see cref="CofferOptions"/>. In development, missing keys are generated
/// once into the data folder; in production they are required and every missing one is named in a single error.
/// </summary>
public static class SettingsLoader
{
    public const string DevKeysFileName = "dev-keys.json";

    /// <summary>Set to <c>true</c> to let a server whose keys were generated for development listen beyond loopback.</summary>
    public const string DevListenAnyVariable = "COFFER_DEV_LISTEN_ANY";

    public const int MinAuthSecretBytes = 32;

    public static CofferOptions Load(IReadOnlyDictionary<string, string?> env, Action<string>? warn = null)
    {
        string? Get(string name) => env.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        // Every problem is collected and reported at once: an operator fixes a deployment in one pass, not one per restart.
        var problems = new List<string>();
        T Try<T>(Func<T> read, T fallback)
        {
            try
            {
                return read();
            }
            catch (ConfigurationException ex)
            {
                problems.Add(ex.Message);
                return fallback;
            }
        }

        var isProduction = IsProductionValue(Get("NODE_ENV")) || IsProductionValue(Get("COFFER_ENV"));
        var dataDir = Path.GetFullPath(Get("COFFER_DATA_DIR") ?? "data");
        var authSecret = Get("AUTH_SECRET") ?? Get("JWT_AUTH_SECRET");
        var rootKeyB64 = Get("ROOT_ENCRYPTION_KEY");
        var encryptionKeyHex = Get("ENCRYPTION_KEY");
        var host = Get("HOST") ?? "localhost";
        var usesDevKeys = false;

        if (isProduction)
        {
            // SQLite is a production store for one instance (as Vaultwarden's is): DB_CONNECTION_URI is not required.
            var missing = new List<string>();
            if (authSecret is null) missing.Add("AUTH_SECRET");
            if (rootKeyB64 is null && encryptionKeyHex is null) missing.Add("ROOT_ENCRYPTION_KEY (or ENCRYPTION_KEY)");
            if (missing.Count > 0)
                problems.Add($"Coffer is running in production mode and these required environment variables are missing: {string.Join(", ", missing)}.");
            if (authSecret is not null && WeakAuthSecret(authSecret) is { } weakness) problems.Add(weakness);
        }
        else if (authSecret is null || (rootKeyB64 is null && encryptionKeyHex is null))
        {
            var dev = DevKeys.LoadOrCreate(dataDir, warn);
            authSecret ??= dev.AuthSecret;
            if (rootKeyB64 is null && encryptionKeyHex is null) rootKeyB64 = dev.RootEncryptionKey;
            usesDevKeys = true;
        }
        if (usesDevKeys && !IsLoopback(host) && !string.Equals(Get(DevListenAnyVariable), "true", StringComparison.OrdinalIgnoreCase))
            problems.Add(
                $"HOST={host} would expose a server whose keys were generated for development (in {Path.Combine(dataDir, DevKeysFileName)}) to the " +
                $"network. Set AUTH_SECRET and ROOT_ENCRYPTION_KEY (with NODE_ENV=production) for a real deployment, or {DevListenAnyVariable}=true " +
                "to listen beyond loopback with development keys anyway.");

        var port = Try(() => ParseInt(Get("PORT"), "PORT", 8080, 0, 65535), 8080);
        var options = new CofferOptions
        {
            Host = host,
            Port = port,
            SiteUrl = Get("SITE_URL") ?? $"http://localhost:{port}",
            IsProduction = isProduction,
            DataDirectory = dataDir,
            AuthSecret = Encoding.UTF8.GetBytes(authSecret ?? ""),
            // A missing key is already named above; only a malformed one adds a problem here.
            RootKey = rootKeyB64 is null && encryptionKeyHex is null ? null! : Try(() => ParseRootKey(rootKeyB64, encryptionKeyHex), null!),
            DatabaseUri = Get("DB_CONNECTION_URI"),
            DatabaseRootCertificate = Get("DB_ROOT_CERT"),
            RedisUrl = Get("REDIS_URL"),
            TrustedProxies = Try(() => ParseNetworks(Get("TRUSTED_PROXIES"), "TRUSTED_PROXIES"), []),
            MaxIdentityAccessTokenTtlSeconds = Try(() => ParseInt(Get("MAX_IDENTITY_ACCESS_TOKEN_TTL"), "MAX_IDENTITY_ACCESS_TOKEN_TTL", 0, 0, 315360000), 0),
            MaxRequestBodyBytes = Try(() => ParseInt(Get("MAX_REQUEST_BODY_BYTES"), "MAX_REQUEST_BODY_BYTES", 4 * 1024 * 1024, 1024, int.MaxValue), 0),
            EventHeartbeatSeconds = Try(() => ParseInt(Get("EVENTS_HEARTBEAT_SECONDS"), "EVENTS_HEARTBEAT_SECONDS", 15, 1, 300), 0),
            AllowInternalIpConnections = IsTrue(Get("ALLOW_INTERNAL_IP_CONNECTIONS")),
            DynamicSecretAllowInternalIp = IsTrue(Get("DYNAMIC_SECRET_ALLOW_INTERNAL_IP")) || IsTrue(Get("ALLOW_INTERNAL_IP_CONNECTIONS")),
            MaxLeaseLimit = Try(() => ParseInt(Get("MAX_LEASE_LIMIT"), "MAX_LEASE_LIMIT", 10_000, 1, 1_000_000), 10_000),
            OwnServiceEndpoints = OwnEndpoints(Get("DB_CONNECTION_URI"), Get("REDIS_URL")),
            CryptoProvider = Try(() => ParseCryptoProvider(Get("CRYPTO_PROVIDER")), Crypto.GcmProvider.Libsodium),
            BackupIntervalMinutes = Try(() => ParseInt(Get("BACKUP_INTERVAL_MINUTES"), "BACKUP_INTERVAL_MINUTES", 0, 0, 7 * 24 * 60), 0),
            BackupDirectory = Get("BACKUP_DIRECTORY") ?? Path.Combine(dataDir, "backups"),
            MetricsEnabled = IsTrue(Get("METRICS_ENABLED")),
            MetricsHost = Get("METRICS_HOST") ?? "127.0.0.1",
            MetricsPort = Try(() => ParseInt(Get("METRICS_PORT"), "METRICS_PORT", 9464, 1, 65535), 9464),
            OtlpEndpoint = Try(() => ParseHttpUrl(Get("OTEL_EXPORTER_OTLP_ENDPOINT"), "OTEL_EXPORTER_OTLP_ENDPOINT"), null),
            OtlpHttp = Try(() => ParseOtlpProtocol(Get("OTEL_EXPORTER_OTLP_PROTOCOL")), false),
            AuditLogRetentionDays = Try(() => ParseInt(Get("AUDIT_LOG_RETENTION_DAYS"), "AUDIT_LOG_RETENTION_DAYS", 0, 0, 36_500), 0),
            BackupKeep = Try(() => ParseInt(Get("BACKUP_KEEP"), "BACKUP_KEEP", 7, 1, 10_000), 7),
            RateLimits = new RateLimitOptions
            {
                ReadPerMinute = Try(() => ParseInt(Get("RATE_LIMIT_READ"), "RATE_LIMIT_READ", 0, 0, int.MaxValue), 0),
                WritePerMinute = Try(() => ParseInt(Get("RATE_LIMIT_WRITE"), "RATE_LIMIT_WRITE", 0, 0, int.MaxValue), 0),
                SecretsPerMinute = Try(() => ParseInt(Get("RATE_LIMIT_SECRETS"), "RATE_LIMIT_SECRETS", 0, 0, int.MaxValue), 0),
                AuthPerMinute = Try(() => ParseInt(Get("RATE_LIMIT_AUTH"), "RATE_LIMIT_AUTH", 60, 0, int.MaxValue), 0),
            },
        };
        if (options.BackupIntervalMinutes > 0 && options.DatabaseUri is not null)
            problems.Add("BACKUP_INTERVAL_MINUTES backs up the embedded SQLite database; with DB_CONNECTION_URI, back PostgreSQL up with pg_dump (docs/operations.md).");
        if (problems.Count == 1) throw new ConfigurationException(problems[0]);
        if (problems.Count > 1)
            throw new ConfigurationException($"Coffer cannot start; fix these {problems.Count} problems:\n" + string.Join("\n", problems.Select(p => "  - " + p)));
        // Before anything is sealed or opened: the chosen AES-256-GCM, checked against a known answer.
        Crypto.GcmCiphers.Use(options.CryptoProvider);
        if (Crypto.GcmSelfTest.Failure() is { } failure) throw new ConfigurationException(failure);
        return options;
    }

    private static Crypto.GcmProvider ParseCryptoProvider(string? value) => value?.ToLowerInvariant() switch
    {
        null or "libsodium" => Crypto.GcmProvider.Libsodium,
        "openssl" => Crypto.GcmProvider.OpenSsl,
        _ => throw new ConfigurationException($"CRYPTO_PROVIDER must be libsodium or openssl, not '{value}'."),
    };

    /// <summary>
    /// Why a production AUTH_SECRET is unfit, or null: shorter than 32 bytes, or so repetitive that it is obviously not
    /// random (fewer than 10 distinct characters), since whoever knows it can mint any identity's token.
    /// </summary>
    public static string? WeakAuthSecret(string secret)
    {
        var bytes = Encoding.UTF8.GetByteCount(secret);
        if (bytes < MinAuthSecretBytes)
            return $"AUTH_SECRET must be at least {MinAuthSecretBytes} bytes in production (it is {bytes}); generate one with `openssl rand -base64 32`.";
        var distinct = secret.Distinct().Count();
        if (distinct < 10)
            return $"AUTH_SECRET is not random enough for production (only {distinct} distinct characters); generate one with `openssl rand -base64 32`.";
        return null;
    }

    private static bool IsLoopback(string host) =>
        host is "localhost" or "127.0.0.1" or "::1" or "[::1]" || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    public static IReadOnlyDictionary<string, string?> FromProcessEnvironment()
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
            result[(string)e.Key] = e.Value as string;
        return result;
    }

    private static Crypto.RootKey ParseRootKey(string? rootEncryptionKey, string? encryptionKey)
    {
        try
        {
            return Crypto.RootKey.FromEnvironment(rootEncryptionKey, encryptionKey)
                ?? throw new ConfigurationException("ROOT_ENCRYPTION_KEY (or ENCRYPTION_KEY) is required.");
        }
        catch (Crypto.KeyConfigurationException ex)
        {
            throw new ConfigurationException(ex.Message);
        }
    }

    private static List<(string Host, int Port)> OwnEndpoints(string? databaseUri, string? redisUrl)
    {
        var endpoints = new List<(string Host, int Port)>();
        try
        {
            if (databaseUri is not null && DatabaseUrl.Parse(databaseUri) is { Host: { } host } db)
                endpoints.AddRange(host.Split(',').Select(h => (h.Trim(), db.Port)));
        }
        catch (DatabaseUrlException)
        {
            // Named as a problem where the database is opened.
        }
        if (redisUrl is not null && Uri.TryCreate(redisUrl, UriKind.Absolute, out var redis))
            endpoints.Add((redis.Host, redis.Port > 0 ? redis.Port : 6379));
        return endpoints;
    }

    private static bool IsTrue(string? v) => string.Equals(v, "true", StringComparison.OrdinalIgnoreCase);

    private static bool IsProductionValue(string? v) => string.Equals(v, "production", StringComparison.OrdinalIgnoreCase);

    private static int ParseInt(string? value, string name, int fallback, int min, int max)
    {
        if (value is null) return fallback;
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
            throw new ConfigurationException($"{name} must be a whole number between {min} and {max}.");
        return n;
    }

    private static Uri? ParseHttpUrl(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (Uri.TryCreate(value.Trim(), UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps))
            return url;
        throw new ConfigurationException($"{name} must be an http:// or https:// URL, such as http://127.0.0.1:4317.");
    }

    private static bool ParseOtlpProtocol(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "grpc" => false,
        "http/protobuf" => true,
        _ => throw new ConfigurationException($"OTEL_EXPORTER_OTLP_PROTOCOL must be grpc or http/protobuf, not '{value}'."),
    };

    private static IReadOnlyList<IPNetwork> ParseNetworks(string? value, string name)
    {
        if (value is null) return [];
        var list = new List<IPNetwork>();
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (IPNetwork.TryParse(part, out var net)) list.Add(net);
            else if (IPAddress.TryParse(part, out var ip)) list.Add(new IPNetwork(ip, ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            else throw new ConfigurationException($"{name} has an entry that is not an IP address or CIDR block: '{part}'.");
        }
        return list;
    }

    /// <summary>Development keys, generated once so that restarts keep decrypting what was written before.</summary>
    private sealed record DevKeys(string AuthSecret, string RootEncryptionKey)
    {
        public static DevKeys LoadOrCreate(string dataDir, Action<string>? warn)
        {
            var path = Path.Combine(dataDir, DevKeysFileName);
            if (File.Exists(path))
            {
                Data.PrivateFiles.Tighten(path);
                var node = JsonNode.Parse(File.ReadAllText(path));
                var auth = node?["authSecret"]?.GetValue<string>();
                var root = node?["rootEncryptionKey"]?.GetValue<string>();
                if (auth is null || root is null)
                    throw new ConfigurationException($"{path} is damaged; delete it only if this data folder holds nothing you need.");
                return new DevKeys(auth, root);
            }

            Data.PrivateFiles.EnsureFolder(dataDir);
            var keys = new DevKeys(
                Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
                Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            var json = JsonSerializer.Serialize(new JsonObject
            {
                ["authSecret"] = keys.AuthSecret,
                ["rootEncryptionKey"] = keys.RootEncryptionKey,
            });
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(path, options))
            using (var writer = new StreamWriter(stream)) writer.Write(json);
            warn?.Invoke(
                $"DEVELOPMENT KEYS GENERATED in {path}. They protect everything in this data folder: keep the file, and set " +
                "AUTH_SECRET and ROOT_ENCRYPTION_KEY (with NODE_ENV=production) before running Coffer for real.");
            return keys;
        }
    }
}
