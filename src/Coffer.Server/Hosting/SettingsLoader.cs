using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Coffer.Server.Hosting;

/// <summary>
/// Reads Infisical's environment names into <see cref="CofferOptions"/>. In development, missing keys are generated
/// once into the data folder; in production they are required and every missing one is named in a single error.
/// </summary>
public static class SettingsLoader
{
    public const string DevKeysFileName = "dev-keys.json";

    public static CofferOptions Load(IReadOnlyDictionary<string, string?> env, Action<string>? warn = null)
    {
        string? Get(string name) => env.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        var isProduction = IsProductionValue(Get("NODE_ENV")) || IsProductionValue(Get("COFFER_ENV"));
        var dataDir = Path.GetFullPath(Get("COFFER_DATA_DIR") ?? "data");
        var authSecret = Get("AUTH_SECRET") ?? Get("JWT_AUTH_SECRET");
        var rootKeyB64 = Get("ROOT_ENCRYPTION_KEY");
        var encryptionKeyHex = Get("ENCRYPTION_KEY");

        if (isProduction)
        {
            var missing = new List<string>();
            if (authSecret is null) missing.Add("AUTH_SECRET");
            if (rootKeyB64 is null && encryptionKeyHex is null) missing.Add("ROOT_ENCRYPTION_KEY (or ENCRYPTION_KEY)");
            if (Get("DB_CONNECTION_URI") is null) missing.Add("DB_CONNECTION_URI");
            if (missing.Count > 0)
                throw new ConfigurationException(
                    $"Coffer is running in production mode and these required environment variables are missing: {string.Join(", ", missing)}.");
        }
        else if (authSecret is null || (rootKeyB64 is null && encryptionKeyHex is null))
        {
            var dev = DevKeys.LoadOrCreate(dataDir, warn);
            authSecret ??= dev.AuthSecret;
            if (rootKeyB64 is null && encryptionKeyHex is null) rootKeyB64 = dev.RootEncryptionKey;
        }

        return new CofferOptions
        {
            Host = Get("HOST") ?? "localhost",
            Port = ParseInt(Get("PORT"), "PORT", 8080, 0, 65535),
            SiteUrl = Get("SITE_URL") ?? $"http://localhost:{ParseInt(Get("PORT"), "PORT", 8080, 0, 65535)}",
            IsProduction = isProduction,
            DataDirectory = dataDir,
            AuthSecret = Encoding.UTF8.GetBytes(authSecret!),
            RootKey = ParseRootKey(rootKeyB64, encryptionKeyHex),
            DatabaseUri = Get("DB_CONNECTION_URI"),
            DatabaseRootCertificate = Get("DB_ROOT_CERT"),
            RedisUrl = Get("REDIS_URL"),
            TrustedProxies = ParseNetworks(Get("TRUSTED_PROXIES"), "TRUSTED_PROXIES"),
            MaxIdentityAccessTokenTtlSeconds = ParseInt(Get("MAX_IDENTITY_ACCESS_TOKEN_TTL"), "MAX_IDENTITY_ACCESS_TOKEN_TTL", 0, 0, 315360000),
            MaxRequestBodyBytes = ParseInt(Get("MAX_REQUEST_BODY_BYTES"), "MAX_REQUEST_BODY_BYTES", 4 * 1024 * 1024, 1024, int.MaxValue),
            RateLimits = new RateLimitOptions
            {
                ReadPerMinute = ParseInt(Get("RATE_LIMIT_READ"), "RATE_LIMIT_READ", 0, 0, int.MaxValue),
                WritePerMinute = ParseInt(Get("RATE_LIMIT_WRITE"), "RATE_LIMIT_WRITE", 0, 0, int.MaxValue),
                SecretsPerMinute = ParseInt(Get("RATE_LIMIT_SECRETS"), "RATE_LIMIT_SECRETS", 0, 0, int.MaxValue),
                AuthPerMinute = ParseInt(Get("RATE_LIMIT_AUTH"), "RATE_LIMIT_AUTH", 60, 0, int.MaxValue),
            },
        };
    }

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

    private static bool IsProductionValue(string? v) => string.Equals(v, "production", StringComparison.OrdinalIgnoreCase);

    private static int ParseInt(string? value, string name, int fallback, int min, int max)
    {
        if (value is null) return fallback;
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
            throw new ConfigurationException($"{name} must be a whole number between {min} and {max}.");
        return n;
    }

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
                var node = JsonNode.Parse(File.ReadAllText(path));
                var auth = node?["authSecret"]?.GetValue<string>();
                var root = node?["rootEncryptionKey"]?.GetValue<string>();
                if (auth is null || root is null)
                    throw new ConfigurationException($"{path} is damaged; delete it only if this data folder holds nothing you need.");
                return new DevKeys(auth, root);
            }

            Directory.CreateDirectory(dataDir);
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

/// <summary>A start-up configuration problem; the message is shown to the operator as is.</summary>
public sealed class ConfigurationException(string message) : Exception(message);
