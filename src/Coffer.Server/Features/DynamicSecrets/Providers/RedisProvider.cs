using System.Net;
using System.Text.Json.Nodes;
using Coffer.Server.Http.Validation;
using StackExchange.Redis;

namespace Coffer.Server.Features.DynamicSecrets.Providers;

/// <summary>
/// Infisical's <c>redis</c> provider: leased users are Redis ACL users. Each statement is split at <c>;</c> into
/// commands and at spaces into arguments, and a statement's commands run in one MULTI/EXEC; the root user logs in
/// with <c>AUTH username password</c> (an ACL user, often <c>default</c>). TLS with <c>ca</c>, checked as the SQL
/// provider's.
/// </summary>
public sealed class RedisProvider(ProviderAddresses addresses) : IDynamicSecretProvider
{
    private const string PasswordAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~!*";
    private const int TimeoutMilliseconds = 10_000;
    private static readonly string[] CreationNames = ["username", "password", "expiration"];
    private static readonly string[] RenewNames = ["username", "expiration"];
    private static readonly string[] RevocationNames = ["username"];

    public string Type => "redis";

    public IReadOnlyList<string> SecretFields { get; } = ["password"];

    public JsonObject? ReadInputs(Input input)
    {
        var host = input.String("host", trim: true, min: 1)?.ToLowerInvariant();
        var port = input.Integer("port", min: 1, max: 65535, required: true);
        var username = input.String("username", trim: true, min: 1);
        var password = input.String("password", required: false, trim: true);
        var creation = input.String("creationStatement", required: false, trim: true);
        var revocation = input.String("revocationStatement", required: false, trim: true);
        var renew = input.String("renewStatement", required: false, trim: true);
        var ca = input.String("ca", required: false);
        if (!input.IsValid) return null;
        var result = new JsonObject
        {
            ["host"] = host,
            ["port"] = (int?)port,
            ["username"] = username,
            ["creationStatement"] = string.IsNullOrEmpty(creation) ? "ACL SETUSER {{username}} on >{{password}} ~* &* +@all" : creation,
            ["revocationStatement"] = string.IsNullOrEmpty(revocation) ? "ACL DELUSER {{username}}" : revocation,
        };
        if (!string.IsNullOrEmpty(password)) result["password"] = password;
        if (!string.IsNullOrEmpty(renew)) result["renewStatement"] = renew;
        if (!string.IsNullOrEmpty(ca)) result["ca"] = ca;
        return result;
    }

    public async Task CheckConnectionAsync(JsonObject inputs, CancellationToken ct)
    {
        var s = Settings.From(inputs);
        RequireAllowed("Redis creation", s.Creation, CreationNames);
        if (s.Renew is not null) RequireAllowed("Redis renew", s.Renew, RenewNames);
        RequireAllowed("Redis revoke", s.Revocation, RevocationNames);
        await RunAsync(s, ["PING"], "Failed to connect with provider", [], ct);
    }

    public async Task<LeaseCredentials> CreateAsync(JsonObject inputs, string username, DateTimeOffset expireAt, CancellationToken ct)
    {
        var s = Settings.From(inputs);
        var password = Credentials.RandomString(PasswordAlphabet, 64);
        var statements = StatementTemplate.Fill(s.Creation, new Dictionary<string, string>
        {
            ["username"] = username,
            ["password"] = password,
            ["expiration"] = expireAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
        });
        await RunAsync(s, StatementTemplate.Split(statements), "Failed to create lease from provider", [password], ct);
        return new LeaseCredentials(username, new JsonObject { ["DB_USERNAME"] = username, ["DB_PASSWORD"] = password });
    }

    public async Task RenewAsync(JsonObject inputs, string entityId, DateTimeOffset expireAt, CancellationToken ct)
    {
        var s = Settings.From(inputs);
        if (s.Renew is null) return;
        var statements = StatementTemplate.Fill(s.Renew, new Dictionary<string, string>
        {
            ["username"] = entityId,
            ["expiration"] = expireAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
        });
        await RunAsync(s, StatementTemplate.Split(statements), "Failed to renew lease from provider", [], ct);
    }

    public async Task RevokeAsync(JsonObject inputs, string entityId, CancellationToken ct)
    {
        var s = Settings.From(inputs);
        var statements = StatementTemplate.Fill(s.Revocation, new Dictionary<string, string> { ["username"] = entityId });
        await RunAsync(s, StatementTemplate.Split(statements), "Failed to revoke lease from provider", [], ct);
    }

    private static void RequireAllowed(string name, string template, string[] allowed)
    {
        if (StatementTemplate.Disallowed(template, allowed) is not null) throw new BadRequestException($"Template sanitization failed: {name}");
    }

    private async Task RunAsync(Settings s, IReadOnlyList<string> commands, string failure, string[] secrets, CancellationToken ct)
    {
        var address = await addresses.ResolveAsync(s.Host, s.Port, ct);
        var options = new ConfigurationOptions
        {
            EndPoints = { new IPEndPoint(address, s.Port) },
            User = s.Username,
            Password = s.Password,
            ConnectTimeout = TimeoutMilliseconds,
            AsyncTimeout = TimeoutMilliseconds,
            SyncTimeout = TimeoutMilliseconds,
            AbortOnConnectFail = true,
            ConnectRetry = 1,
            AllowAdmin = true,
            ClientName = "coffer-dynamic-secrets",
            Ssl = s.Ca is not null,
        };
        if (s.Ca is not null) options.CertificateValidation += TrustedCa.Validator(s.Ca);
        try
        {
            using var log = new StringWriter();
            await using var redis = await ConnectionMultiplexer.ConnectAsync(options, log);
            var db = redis.GetDatabase();
            var transaction = db.CreateTransaction();
            var results = commands.Select(c => c.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Select(args => transaction.ExecuteAsync(args[0], [.. args[1..]])).ToList();
            await transaction.ExecuteAsync();
            await Task.WhenAll(results);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or IOException)
        {
            throw new ProviderException($"{failure}: {ProviderException.Redact(Describe(ex), [s.Password, .. secrets])}", ex);
        }
    }

    // The multiplexer's connection failure lists its whole configuration; the first sentence is the reason.
    private static string Describe(Exception ex) => ex is RedisConnectionException
        ? (ex.InnerException?.Message ?? ex.Message.Split(';')[0]) : ex.Message;

    private sealed record Settings(string Host, int Port, string Username, string? Password, string Creation, string Revocation, string? Renew,
        string? Ca)
    {
        public static Settings From(JsonObject i) => new(
            i["host"]!.GetValue<string>(), i["port"]!.GetValue<int>(), i["username"]!.GetValue<string>(), i["password"]?.GetValue<string>(),
            i["creationStatement"]!.GetValue<string>(), i["revocationStatement"]!.GetValue<string>(), i["renewStatement"]?.GetValue<string>(),
            i["ca"]?.GetValue<string>());
    }
}
