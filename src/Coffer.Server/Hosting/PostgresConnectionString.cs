using Npgsql;

namespace Coffer.Server.Hosting;

/// <summary>
/// A PostgreSQL connection string for Npgsql, built by <see cref="DatabaseUrl.Parse"/> and read back with Npgsql's own
/// builder. <see cref="ToString"/> and <see cref="Redacted"/> hide passwords, so logging this object by accident does
/// not leak them; pass <see cref="Value"/> to the data source.
/// </summary>
public sealed class PostgresConnectionString
{
    private readonly NpgsqlConnectionStringBuilder _settings;

    internal PostgresConnectionString(string value)
    {
        Value = value;
        _settings = DatabaseUrl.Npgsql(value);
        var redacted = new NpgsqlConnectionStringBuilder(value);
        if (!string.IsNullOrEmpty(redacted.Password)) redacted.Password = "***";
        if (!string.IsNullOrEmpty(redacted.SslPassword)) redacted.SslPassword = "***";
        Redacted = redacted.ConnectionString;
    }

    /// <summary>The connection string to hand to Npgsql. Contains the password.</summary>
    public string Value { get; }

    /// <summary>The same settings, as Npgsql writes them, with every password replaced by <c>***</c>, for logs and diagnostics.</summary>
    public string Redacted { get; }

    public string? Host => _settings.Host;

    public int Port => _settings.Port;

    public string? Database => _settings.Database;

    public string? Username => _settings.Username;

    /// <summary>Npgsql's SSL mode (<c>Disable</c>, <c>Allow</c>, <c>Prefer</c>, <c>Require</c>, <c>VerifyCA</c>, <c>VerifyFull</c>).</summary>
    public SslMode SslMode => _settings.SslMode;

    public string? RootCertificate => _settings.RootCertificate;

    public override string ToString() => Redacted;
}
