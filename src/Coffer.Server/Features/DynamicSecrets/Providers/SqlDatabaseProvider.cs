using System.Data.Common;
using System.Net;
using System.Text.Json.Nodes;
using Coffer.Server.Http.Validation;
using MySqlConnector;
using Npgsql;

namespace Coffer.Server.Features.DynamicSecrets.Providers;

/// <summary>
/// Infisical's <c>sql-database</c> provider for its <c>postgres</c> and <c>mysql2</c> clients (MySQL and MariaDB): the
/// creation, renewal and revocation statements run in one transaction each, over a fresh connection to the address
/// <see cref="ProviderAddresses"/> resolved, with 10-second connect and command time-outs. With <c>ca</c> the
/// connection must be TLS and the server's certificate must chain to that CA (Infisical sends the CA but checks
/// nothing); without it TLS is used when the server offers it.
/// </summary>
public sealed class SqlDatabaseProvider(ProviderAddresses addresses) : IDynamicSecretProvider
{
    public const string Postgres = "postgres";
    public const string MySql = "mysql2";
    private const int TimeoutSeconds = 10;

    // Infisical's whole list, so a client Coffer does not serve is named as such rather than as a typo.
    private static readonly string[] Clients = [Postgres, MySql, "oracledb", "mssql", "sap-ase", "vertica"];
    private static readonly string[] CreationNames = ["username", "password", "expiration", "database"];
    private static readonly string[] RenewNames = ["username", "expiration", "database"];
    private static readonly string[] RevocationNames = ["username", "database"];

    public string Type => "sql-database";

    public IReadOnlyList<string> SecretFields { get; } = ["password"];

    public JsonObject? ReadInputs(Input input)
    {
        var client = input.Enum("client", Clients, required: true);
        var host = input.String("host", trim: true, min: 1)?.ToLowerInvariant();
        var port = input.Integer("port", min: 1, max: 65535, required: true);
        var database = input.String("database", trim: true);
        var username = input.String("username", trim: true, min: 1);
        var password = input.String("password", trim: true);
        var rules = PasswordRequirements.Read(input);
        var creation = input.String("creationStatement", required: false, trim: true);
        var revocation = input.String("revocationStatement", required: false, trim: true);
        var renew = input.String("renewStatement", required: false, trim: true);
        var ca = input.String("ca", required: false);
        // Terraform sends an unset gateway as "", which Infisical reads as none.
        if (input.Raw("gatewayId") is { } gateway && !JsonBody.IsEmptyString(gateway))
            input.Fail("Coffer has no gateways; connect to the database directly", "gatewayId");
        if (client is not null && client is not (Postgres or MySql))
            input.Fail($"Coffer's sql-database provider serves the '{Postgres}' and '{MySql}' clients, not '{client}'", "client");
        if (!input.IsValid) return null;
        var result = new JsonObject
        {
            ["client"] = client,
            ["host"] = host,
            ["port"] = (int?)port,
            ["database"] = database,
            ["username"] = username,
            ["password"] = password,
            ["creationStatement"] = string.IsNullOrEmpty(creation) ? DefaultCreation(client!) : creation,
            ["revocationStatement"] = string.IsNullOrEmpty(revocation) ? DefaultRevocation(client!) : revocation,
        };
        if (rules is not null) result["passwordRequirements"] = rules;
        if (!string.IsNullOrEmpty(renew)) result["renewStatement"] = renew;
        else if (!input.Has("renewStatement") && client == Postgres) result["renewStatement"] = DefaultRenew;
        if (!string.IsNullOrEmpty(ca)) result["ca"] = ca;
        return result;
    }

    public async Task CheckConnectionAsync(JsonObject inputs, CancellationToken ct)
    {
        var s = Settings.From(inputs);
        RequireAllowed("SQL creation", s.Creation, CreationNames);
        if (s.Renew is not null) RequireAllowed("SQL renew", s.Renew, RenewNames);
        RequireAllowed("SQL revoke", s.Revocation, RevocationNames);
        await RunAsync(s, ["SELECT 1"], "Failed to connect with provider", [], ct);
    }

    public async Task<LeaseCredentials> CreateAsync(JsonObject inputs, string username, DateTimeOffset expireAt, CancellationToken ct)
    {
        var s = Settings.From(inputs);
        var password = Credentials.Password(s.Rules);
        var statements = StatementTemplate.Fill(s.Creation, new Dictionary<string, string>
        {
            ["username"] = username,
            ["password"] = password,
            ["expiration"] = Expiration(expireAt),
            ["database"] = s.Database,
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
            ["expiration"] = Expiration(expireAt),
            ["database"] = s.Database,
        });
        await RunAsync(s, StatementTemplate.Split(statements), "Failed to renew lease from provider", [], ct);
    }

    public async Task RevokeAsync(JsonObject inputs, string entityId, CancellationToken ct)
    {
        var s = Settings.From(inputs);
        var statements = StatementTemplate.Fill(s.Revocation, new Dictionary<string, string> { ["username"] = entityId, ["database"] = s.Database });
        await RunAsync(s, StatementTemplate.Split(statements), "Failed to revoke lease from provider", [], ct);
    }

    private static void RequireAllowed(string name, string template, string[] allowed)
    {
        if (StatementTemplate.Disallowed(template, allowed) is not null) throw new BadRequestException($"Template sanitization failed: {name}");
    }

    // JavaScript's Date.toISOString(), which Infisical's statements receive.
    private static string Expiration(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private async Task RunAsync(Settings s, IReadOnlyList<string> statements, string failure, string[] secrets, CancellationToken ct)
    {
        var address = await addresses.ResolveAsync(s.Host, s.Port, ct);
        try
        {
            await using var conn = await OpenAsync(s, address, ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            foreach (var statement in statements)
            {
                await using var command = conn.CreateCommand();
                command.Transaction = tx;
                command.CommandText = statement;
                command.CommandTimeout = TimeoutSeconds;
                await command.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        catch (Exception ex) when (ex is DbException or System.Net.Sockets.SocketException or TimeoutException or IOException
                                       or System.Security.Authentication.AuthenticationException or InvalidOperationException)
        {
            throw new ProviderException($"{failure}: {ProviderException.Redact(Describe(ex), [s.Password, .. secrets])}", ex);
        }
    }

    private static string Describe(Exception ex) => ex switch
    {
        PostgresException pg => pg.MessageText,
        _ when ex.InnerException is PostgresException pg => pg.MessageText,
        NpgsqlException { InnerException: { } inner } => inner.Message,
        _ => ex.Message,
    };

    private static async Task<DbConnection> OpenAsync(Settings s, IPAddress address, CancellationToken ct)
    {
        var validate = s.Ca is null ? null : TrustedCa.Validator(s.Ca);
        if (s.Client == Postgres)
        {
            var builder = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder
            {
                Host = address.ToString(),
                Port = s.Port,
                Database = s.Database.Length > 0 ? s.Database : null,
                Username = s.Username,
                Password = s.Password,
                Timeout = TimeoutSeconds,
                CommandTimeout = TimeoutSeconds,
                Pooling = false,
                SslMode = validate is null ? SslMode.Prefer : SslMode.Require,
                ApplicationName = "coffer-dynamic-secrets",
            }.ConnectionString);
            if (validate is not null) builder.UseSslClientAuthenticationOptionsCallback(o => o.RemoteCertificateValidationCallback = validate);
            await using var source = builder.Build();
            return await source.OpenConnectionAsync(ct);
        }
        var conn = new MySqlConnection(new MySqlConnectionStringBuilder
        {
            Server = address.ToString(),
            Port = (uint)s.Port,
            Database = s.Database,
            UserID = s.Username,
            Password = s.Password,
            ConnectionTimeout = TimeoutSeconds,
            DefaultCommandTimeout = TimeoutSeconds,
            Pooling = false,
            SslMode = validate is null ? MySqlSslMode.Preferred : MySqlSslMode.Required,
            AllowPublicKeyRetrieval = false,
        }.ConnectionString);
        if (validate is not null) conn.RemoteCertificateValidationCallback = validate;
        try
        {
            await conn.OpenAsync(ct);
            return conn;
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    private static string DefaultCreation(string client) => client == Postgres
        ? "CREATE USER \"{{username}}\" WITH ENCRYPTED PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';\nGRANT SELECT ON ALL TABLES IN SCHEMA public TO \"{{username}}\";"
        : "CREATE USER '{{username}}'@'%' IDENTIFIED BY '{{password}}';\nGRANT SELECT ON `{{database}}`.* TO '{{username}}'@'%';";

    private static string DefaultRevocation(string client) => client == Postgres
        ? "DROP OWNED BY \"{{username}}\";\nDROP ROLE \"{{username}}\";"
        : "DROP USER '{{username}}'@'%';";

    private const string DefaultRenew = "ALTER ROLE \"{{username}}\" VALID UNTIL '{{expiration}}';";

    private sealed record Settings(string Client, string Host, int Port, string Database, string Username, string Password,
        string Creation, string Revocation, string? Renew, string? Ca, PasswordRules Rules)
    {
        public static Settings From(JsonObject i) => new(
            i["client"]!.GetValue<string>(), i["host"]!.GetValue<string>(), i["port"]!.GetValue<int>(),
            i["database"]?.GetValue<string>() ?? "", i["username"]!.GetValue<string>(), i["password"]?.GetValue<string>() ?? "",
            i["creationStatement"]!.GetValue<string>(), i["revocationStatement"]!.GetValue<string>(), i["renewStatement"]?.GetValue<string>(),
            i["ca"]?.GetValue<string>(), PasswordRules.From(i["passwordRequirements"] as JsonObject));
    }
}
