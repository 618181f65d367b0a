using System.Buffers;
using System.Data.Common;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Coffer.Server.Hosting;

/// <summary>
/// Reads <c>DB_CONNECTION_URI</c> as Infisical's users write it and produces an Npgsql connection string (Npgsql does
/// not read <c>postgres://</c> URIs itself).
/// <list type="bullet">
/// <item><c>postgres://</c> or <c>postgresql://</c> URIs: user and password percent-decoded; a raw <c>@</c> or
/// <c>:</c> in the password works (the user info ends at the last <c>@</c> of the authority), and so does a raw
/// <c>/</c> or <c>?</c> when the rest still reads as <c>user:password@host</c>; host name, <c>[IPv6]</c> or
/// percent-encoded socket directory; port (default 5432); database (percent-decoded).</item>
/// <item>Query parameters follow libpq: <c>sslmode</c> (plus node-postgres's <c>no-verify</c> and <c>ssl=true|false</c>),
/// <c>sslrootcert</c> (<c>system</c> = the OS trust store), <c>sslcert</c>, <c>sslkey</c>, <c>sslpassword</c>,
/// <c>channel_binding</c>, <c>target_session_attrs</c>, <c>application_name</c>, <c>connect_timeout</c>,
/// <c>options</c>, and <c>host</c>/<c>port</c>/<c>user</c>/<c>password</c>/<c>dbname</c>.
/// <b>Any other parameter is rejected</b>: silently dropping one (a misspelt <c>sslmode</c>, say) could quietly
/// weaken the connection, and a start-up error naming it is easy to act on.</item>
/// <item>A <c>key=value;…</c> connection string passes through unchanged, once Npgsql's own builder has read it.</item>
/// <item><c>DB_ROOT_CERT</c> is written to a 0600 file and becomes <c>Root Certificate</c>, with
/// <c>SSL Mode=VerifyFull</c> unless the string already sets a mode (Infisical verifies the server against it).</item>
/// </list>
/// </summary>
public static class DatabaseUrl
{
    public const string ConnectionUriVariable = "DB_CONNECTION_URI";
    public const string RootCertVariable = "DB_ROOT_CERT";
    public const int DefaultPort = 5432;

    private const string V = ConnectionUriVariable;
    private const int MaxTimeoutSeconds = 1024; // Npgsql's upper bound for Timeout

    private static readonly string[] Schemes = ["postgresql://", "postgres://"];
    private static readonly SearchValues<char> HostNameChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_");
    private static readonly SearchValues<char> RawHostChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_%");

    /// <summary>Whether <paramref name="value"/> is a <c>postgres://</c> or <c>postgresql://</c> URI.</summary>
    public static bool IsUri(string value) => SchemeLength(value.AsSpan().TrimStart()) > 0;

    /// <summary>
    /// Parses a URI or key=value string. When <paramref name="rootCert"/> (<c>DB_ROOT_CERT</c>) is given, the CA is
    /// written under <paramref name="certificateDirectory"/> (e.g. the data folder) and referenced from the result.
    /// </summary>
    public static PostgresConnectionString Parse(string value, string? rootCert = null, string? certificateDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = value.Trim();
        if (text.Length == 0)
        {
            throw new DatabaseUrlException(V, $"{V} is empty.");
        }

        NpgsqlConnectionStringBuilder builder;
        string connectionString;
        if (IsUri(text))
        {
            builder = ParseUri(text);
            connectionString = builder.ConnectionString;
        }
        else if (!text.Contains("://", StringComparison.Ordinal) && text.Contains('=', StringComparison.Ordinal))
        {
            // Npgsql's own parser: one grammar for the string, the one that will read it to connect.
            builder = Npgsql(text);
            connectionString = text;
        }
        else
        {
            throw new DatabaseUrlException(
                V, $"{V} must be a postgres:// or postgresql:// URI, or a key=value connection string (Host=…;Username=…).");
        }

        if (!string.IsNullOrWhiteSpace(rootCert))
        {
            ArgumentException.ThrowIfNullOrEmpty(certificateDirectory);
            var path = RootCertificateFile.Write(rootCert, certificateDirectory);
            var explicitKeys = ExplicitKeys(connectionString);
            var changed = false;
            if (!explicitKeys.Contains("rootcertificate"))
            {
                builder.RootCertificate = path;
                changed = true;
            }

            if (!explicitKeys.Contains("sslmode"))
            {
                builder.SslMode = SslMode.VerifyFull;
                changed = true;
            }

            if (changed) connectionString = builder.ConnectionString;
        }

        return new PostgresConnectionString(connectionString);
    }

    /// <summary>
    /// Reads a key=value string with Npgsql's builder. Its own message is not passed on: a mistyped string can make
    /// part of a password read as a key, and Npgsql names the key.
    /// </summary>
    internal static NpgsqlConnectionStringBuilder Npgsql(string connectionString)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException)
        {
            throw new DatabaseUrlException(V,
                $"{V} is not a key=value connection string that Npgsql accepts: check each key's spelling (Host, Port, Database, " +
                "Username, Password, SSL Mode, …) and double-quote values that hold ';', '=' or quotes.");
        }
    }

    /// <summary>The keys a connection string sets itself, without spaces and lower-cased ("SSL Mode" = "sslmode").</summary>
    private static HashSet<string> ExplicitKeys(string connectionString) =>
        new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(k => k.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant())
            .ToHashSet(StringComparer.Ordinal);

    private static NpgsqlConnectionStringBuilder ParseUri(string uri)
    {
        var rest = uri[SchemeLength(uri)..];

        // User info.
        var at = UserInfoEnd(rest);
        string? user = null;
        string? password = null;
        if (at >= 0)
        {
            var userInfo = rest[..at];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            user = Decode(colon < 0 ? userInfo : userInfo[..colon]);
            password = colon < 0 ? null : Decode(userInfo[(colon + 1)..]);
            rest = rest[(at + 1)..];
        }

        // Host and port, then path and query.
        var hostEnd = rest.AsSpan().IndexOfAny('/', '?');
        if (hostEnd < 0)
        {
            hostEnd = rest.Length;
        }

        var (host, port) = ParseHostPort(rest[..hostEnd]);
        rest = rest[hostEnd..];
        var queryStart = rest.IndexOf('?', StringComparison.Ordinal);
        var path = queryStart < 0 ? rest : rest[..queryStart];
        var query = queryStart < 0 ? "" : rest[(queryStart + 1)..];
        // A raw '/' in the database name almost always means the password held a '/' and the URI split wrongly
        // (e.g. user:12/34@db, where "12" reads as a port): fail loudly rather than connect somewhere else.
        if (path.Length > 1 && path.IndexOf('/', 1) >= 0)
        {
            throw new DatabaseUrlException(
                V, $"{V} has a '/' in the database name. If the password contains '/', percent-encode it as %2F.");
        }

        var database = path.Length > 1 ? Decode(path[1..]) : null;

        var settings = new UriSettings();
        foreach (var parameter in query.Split('&'))
        {
            if (parameter.Length > 0)
            {
                ApplyParameter(settings, parameter);
            }
        }

        host = settings.Host ?? host;
        port = settings.Port ?? port;
        user = settings.User ?? user;
        password = settings.Password ?? password;
        database = settings.Database ?? database;
        if (string.IsNullOrEmpty(host))
        {
            throw new DatabaseUrlException(V, $"{V} has no host (postgres://user:password@host:5432/database).");
        }

        var sslMode = settings.SslMode ?? settings.Ssl ?? (settings.SystemRootCert ? "VerifyFull" : null);
        // Through Npgsql's builder, key by key in a fixed order: it quotes values as its own parser expects.
        var builder = new NpgsqlConnectionStringBuilder();
        Set(builder, "Host", host);
        Set(builder, "Port", (port ?? DefaultPort).ToString(CultureInfo.InvariantCulture));
        Set(builder, "Database", database);
        Set(builder, "Username", user);
        Set(builder, "Password", password);
        Set(builder, "SSL Mode", sslMode);
        Set(builder, "Root Certificate", settings.RootCert);
        Set(builder, "SSL Certificate", settings.SslCert);
        Set(builder, "SSL Key", settings.SslKey);
        Set(builder, "SSL Password", settings.SslPassword);
        Set(builder, "Channel Binding", settings.ChannelBinding);
        Set(builder, "Target Session Attributes", settings.TargetSessionAttributes);
        Set(builder, "Application Name", settings.ApplicationName);
        Set(builder, "Timeout", settings.Timeout);
        Set(builder, "Options", settings.Options);
        return builder;
    }

    private static void Set(NpgsqlConnectionStringBuilder builder, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value)) builder[key] = value;
    }

    /// <summary>
    /// Index of the '@' ending the user info, or -1. Normally the last '@' before the first '/' or '?'. When that
    /// stretch has no '@' but reads as <c>user:xxx</c> where xxx is not a port, the password holds a raw '/' or '?':
    /// take the first later '@' followed by something shaped like host[:port].
    /// </summary>
    private static int UserInfoEnd(string rest)
    {
        var authorityEnd = rest.AsSpan().IndexOfAny('/', '?');
        if (authorityEnd < 0)
        {
            authorityEnd = rest.Length;
        }

        var authority = rest.AsSpan(0, authorityEnd);
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            return at;
        }

        var colon = authority.IndexOf(':');
        if (colon < 0 || IsDigits(authority[(colon + 1)..]) || authority.StartsWith('['))
        {
            return -1;
        }

        for (var i = rest.IndexOf('@', authorityEnd); i >= 0; i = rest.IndexOf('@', i + 1))
        {
            var candidate = rest.AsSpan(i + 1);
            var end = candidate.IndexOfAny('/', '?');
            if (LooksLikeHostPort(end < 0 ? candidate : candidate[..end]))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool LooksLikeHostPort(ReadOnlySpan<char> text)
    {
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']');
            return close > 1 && (close == text.Length - 1 || (text[close + 1] == ':' && IsDigits(text[(close + 2)..])));
        }

        var colon = text.LastIndexOf(':');
        var host = colon < 0 ? text : text[..colon];
        return host.Length > 0
            && !host.ContainsAnyExcept(RawHostChars)
            && (colon < 0 || IsDigits(text[(colon + 1)..]));
    }

    private static (string? Host, int? Port) ParseHostPort(string text)
    {
        if (text.Length == 0)
        {
            return (null, null);
        }

        string hostText;
        string? portText = null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close + 1 < text.Length && text[close + 1] != ':'))
            {
                throw new DatabaseUrlException(V, $"{V} has a malformed IPv6 host; write it as [address] or [address]:port.");
            }

            hostText = Decode(text[1..close]);
            if (!IPAddress.TryParse(hostText, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
            {
                throw new DatabaseUrlException(V, $"{V} has an invalid IPv6 address in brackets.");
            }

            portText = close + 1 < text.Length ? text[(close + 2)..] : null;
        }
        else
        {
            var colon = text.LastIndexOf(':');
            hostText = Decode(colon < 0 ? text : text[..colon]);
            portText = colon < 0 ? null : text[(colon + 1)..];
            CheckHost(hostText);
        }

        return (hostText.Length == 0 ? null : hostText, portText is null ? null : ParsePort(portText));
    }

    private static void CheckHost(string host)
    {
        if (host.Contains(',', StringComparison.Ordinal))
        {
            throw new DatabaseUrlException(V, $"{V} lists several hosts; Coffer connects to exactly one.");
        }

        // A leading '/' is a Unix-socket directory (percent-encoded in the URI, as libpq expects).
        var valid = host.StartsWith('/')
            ? !host.Any(char.IsControl)
            : !host.AsSpan().ContainsAnyExcept(HostNameChars);
        if (!valid)
        {
            throw new DatabaseUrlException(
                V, $"{V} has an invalid host. If the password contains '@', '/', '?' or '#', percent-encode it (e.g. '@' as %40).");
        }
    }

    private static int ParsePort(string text)
    {
        if (!IsDigits(text) || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new DatabaseUrlException(V, $"{V} has an invalid port; it must be a number from 1 to 65535.");
        }

        return port;
    }

    private static void ApplyParameter(UriSettings settings, string parameter)
    {
        var equals = parameter.IndexOf('=', StringComparison.Ordinal);
        var name = Decode(equals < 0 ? parameter : parameter[..equals]);
        var shownName = name.Length > 40 ? name[..40] + "…" : name;
        if (equals < 0)
        {
            throw new DatabaseUrlException(V, $"{V} query parameter '{shownName}' has no value (expected name=value).");
        }

        var value = Decode(parameter[(equals + 1)..]);
        switch (name)
        {
            case "sslmode":
                settings.SslMode = value switch
                {
                    "disable" => "Disable",
                    "allow" => "Allow",
                    "prefer" => "Prefer",
                    "require" => "Require",
                    // node-postgres's spelling of "encrypt, but do not verify", which is libpq's require.
                    "no-verify" => "Require",
                    "verify-ca" => "VerifyCA",
                    "verify-full" => "VerifyFull",
                    _ => throw new DatabaseUrlException(
                        V, $"{V} has sslmode '{value}'; use disable, allow, prefer, require, verify-ca or verify-full."),
                };
                break;
            case "ssl":
                // node-postgres: ssl=true means TLS with the server certificate verified.
                settings.Ssl = value switch
                {
                    "true" or "1" => "VerifyFull",
                    "false" or "0" => "Disable",
                    _ => throw new DatabaseUrlException(V, $"{V} has ssl '{value}'; use true or false (or sslmode=…)."),
                };
                break;
            case "sslrootcert":
                if (value == "system")
                {
                    settings.SystemRootCert = true;
                    settings.RootCert = null;
                }
                else
                {
                    settings.RootCert = value;
                }

                break;
            case "sslcert":
                settings.SslCert = value;
                break;
            case "sslkey":
                settings.SslKey = value;
                break;
            case "sslpassword":
                settings.SslPassword = value;
                break;
            case "channel_binding":
                settings.ChannelBinding = value switch
                {
                    "disable" => "Disable",
                    "prefer" => "Prefer",
                    "require" => "Require",
                    _ => throw new DatabaseUrlException(V, $"{V} has channel_binding '{value}'; use disable, prefer or require."),
                };
                break;
            case "target_session_attrs":
                settings.TargetSessionAttributes = value is "any" or "read-write" or "read-only" or "primary" or "standby"
                    or "prefer-standby" or "prefer-primary"
                    ? value
                    : throw new DatabaseUrlException(
                        V, $"{V} has target_session_attrs '{value}'; use any, read-write, read-only, primary, standby or prefer-standby.");
                break;
            case "application_name":
                settings.ApplicationName = value;
                break;
            case "connect_timeout":
                settings.Timeout = IsDigits(value)
                    && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                    && seconds <= MaxTimeoutSeconds
                    ? seconds.ToString(CultureInfo.InvariantCulture)
                    : throw new DatabaseUrlException(V, $"{V} has an invalid connect_timeout; use whole seconds from 0 to {MaxTimeoutSeconds}.");
                break;
            case "options":
                settings.Options = value;
                break;
            case "host":
                CheckHost(value);
                settings.Host = value;
                break;
            case "port":
                settings.Port = ParsePort(value);
                break;
            case "user":
                settings.User = value;
                break;
            case "password":
                settings.Password = value;
                break;
            case "dbname":
                settings.Database = value;
                break;
            default:
                throw new DatabaseUrlException(
                    V,
                    $"{V} has an unsupported query parameter '{shownName}'. Supported: sslmode, ssl, sslrootcert, sslcert, " +
                    "sslkey, sslpassword, channel_binding, target_session_attrs, application_name, connect_timeout, options, " +
                    "host, port, user, password, dbname.");
        }
    }

    private static int SchemeLength(ReadOnlySpan<char> text)
    {
        foreach (var scheme in Schemes)
        {
            if (text.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                return scheme.Length;
            }
        }

        return 0;
    }

    // Invalid escapes (a raw '%' in a password) are kept literally rather than rejected.
    private static string Decode(string text) => Uri.UnescapeDataString(text);

    private static bool IsDigits(ReadOnlySpan<char> text) => text.Length > 0 && !text.ContainsAnyExceptInRange('0', '9');

    private sealed class UriSettings
    {
        public string? SslMode;
        public string? Ssl;
        public bool SystemRootCert;
        public string? RootCert;
        public string? SslCert;
        public string? SslKey;
        public string? SslPassword;
        public string? ChannelBinding;
        public string? TargetSessionAttributes;
        public string? ApplicationName;
        public string? Timeout;
        public string? Options;
        public string? Host;
        public int? Port;
        public string? User;
        public string? Password;
        public string? Database;
    }
}
