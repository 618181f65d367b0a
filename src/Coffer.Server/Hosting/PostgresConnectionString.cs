using System.Globalization;
using System.Text;

namespace Coffer.Server.Hosting;

/// <summary>
/// A PostgreSQL connection string for Npgsql, built by <see cref="DatabaseUrl.Parse"/>. <see cref="ToString"/> and
/// <see cref="Redacted"/> hide passwords, so logging this object by accident does not leak them; pass
/// <see cref="Value"/> to the data source.
/// </summary>
public sealed class PostgresConnectionString
{
    private static readonly HashSet<string> SecretKeys = ["password", "psw", "pwd", "sslpassword"];
    private readonly List<KeyValuePair<string, string>> _pairs;

    internal PostgresConnectionString(string value, List<KeyValuePair<string, string>> pairs)
    {
        Value = value;
        _pairs = pairs;
        var redacted = new StringBuilder();
        foreach (var (key, item) in pairs)
        {
            ConnectionStringGrammar.Append(redacted, key, SecretKeys.Contains(ConnectionStringGrammar.NormalizeKey(key)) ? "***" : item);
        }

        Redacted = redacted.ToString();
    }

    /// <summary>The connection string to hand to Npgsql. Contains the password.</summary>
    public string Value { get; }

    /// <summary>The same settings with every password replaced by <c>***</c>, for logs and diagnostics.</summary>
    public string Redacted { get; }

    public string? Host => Get("host", "server");

    public int? Port => int.TryParse(Get("port"), NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : null;

    public string? Database => Get("database", "db");

    public string? Username => Get("username", "userid", "uid", "user");

    /// <summary>Npgsql's SSL mode name (<c>Disable</c>, <c>Allow</c>, <c>Prefer</c>, <c>Require</c>, <c>VerifyCA</c>, <c>VerifyFull</c>) if set.</summary>
    public string? SslMode => Get("sslmode");

    public string? RootCertificate => Get("rootcertificate");

    public override string ToString() => Redacted;

    /// <summary>Last occurrence wins, as in the ADO.NET parser.</summary>
    private string? Get(params ReadOnlySpan<string> normalizedKeys)
    {
        for (var i = _pairs.Count - 1; i >= 0; i--)
        {
            var key = ConnectionStringGrammar.NormalizeKey(_pairs[i].Key);
            foreach (var wanted in normalizedKeys)
            {
                if (key == wanted)
                {
                    return _pairs[i].Value;
                }
            }
        }

        return null;
    }
}
