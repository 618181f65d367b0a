using System.DirectoryServices.Protocols;
using System.Net;
using System.Net.Sockets;
using Coffer.Server.Http.Outbound;

namespace Coffer.Server.Features.LdapAuth;

/// <summary>Where and as whom Coffer binds to look a user up: the configured URL, bind DN and password, and CA.</summary>
public sealed record LdapServer(string Url, string BindDn, string BindPass, string? CaPem);

/// <summary>A user found by the search and proven by binding as them: the DN and every attribute the bind DN may read.</summary>
public sealed record LdapUser(string Dn, IReadOnlyDictionary<string, string[]> Attributes)
{
    public string? First(string attribute) =>
        Attributes.TryGetValue(attribute, out var values) && values.Length > 0 ? values[0] : null;
}

/// <summary>
/// The LDAP side of LDAP auth, through System.DirectoryServices.Protocols (OpenLDAP's libldap on Linux). A login binds
/// as the configured reader, searches for exactly one entry with the escaped username, then binds as that entry with
/// the given password — an empty password is refused before any bind, since LDAP takes it as an anonymous bind that
/// "succeeds". Outbound rules as every client-configured call: internal addresses refused unless
/// ALLOW_INTERNAL_IP_CONNECTIONS; an <c>ldap://</c> connection goes to the address that was checked (DNS cannot
/// re-point it), an <c>ldaps://</c> one by name with the certificate verified for that name, against the configured
/// CA when there is one; referrals are not followed; every step has a short time-out.
/// </summary>
public sealed partial class LdapDirectory(GuardedHttp outbound, ILogger<LdapDirectory> log)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private const int InvalidCredentials = 49;

    /// <summary>Parses <c>ldap://host[:port]</c> or <c>ldaps://host[:port]</c>; null for anything else.</summary>
    public static Uri? ParseUrl(string url)
    {
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri)) return null;
        if (uri.Scheme is not ("ldap" or "ldaps") || uri.Host.Length == 0) return null;
        if (uri.AbsolutePath is not ("" or "/") || uri.Query.Length > 0 || uri.UserInfo.Length > 0) return null;
        return uri;
    }

    /// <summary>Whether the reader can bind: Infisical's connection test when a configuration is saved.</summary>
    public async Task<bool> CanBindAsync(LdapServer server)
    {
        try
        {
            await RunAsync(server, conn =>
            {
                BindAsReader(conn, server);
                return true;
            });
            return true;
        }
        catch (BadGatewayException ex)
        {
            var (url, reason) = (Redacted(server.Url), ex.Message);
            LogTestFailed(url, reason);
            return false;
        }
    }

    /// <summary>
    /// The one entry <paramref name="filter"/> finds under <paramref name="searchBase"/>, when <paramref name="password"/>
    /// binds as it; null when no entry, several entries, or the password is wrong. Throws <see cref="BadGatewayException"/>
    /// when the server cannot be reached or refuses the reader.
    /// </summary>
    public Task<LdapUser?> AuthenticateAsync(LdapServer server, string searchBase, string filter, string password)
    {
        if (password.Length == 0) return Task.FromResult<LdapUser?>(null);
        return RunAsync(server, conn =>
        {
            BindAsReader(conn, server);
            var request = new SearchRequest(searchBase, filter, SearchScope.Subtree, null) { SizeLimit = 2, TimeLimit = Timeout };
            SearchResponse response;
            try
            {
                response = (SearchResponse)conn.SendRequest(request, Timeout);
            }
            catch (DirectoryOperationException ex) when (ex.Response?.ResultCode is ResultCode.SizeLimitExceeded or ResultCode.NoSuchObject)
            {
                LogSearchUnusable(searchBase, ex.Response.ResultCode == ResultCode.NoSuchObject ? "no such search base" : "more than one entry");
                return null;
            }
            if (response.Entries.Count != 1)
            {
                if (response.Entries.Count > 1) LogSearchUnusable(searchBase, "more than one entry");
                return null;
            }
            var entry = response.Entries[0];
            var attributes = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
            foreach (DirectoryAttribute attribute in entry.Attributes.Values)
                attributes[attribute.Name] = [.. attribute.GetValues(typeof(string)).Cast<string>()];
            try
            {
                conn.Bind(new NetworkCredential(entry.DistinguishedName, password));
            }
            catch (LdapException ex) when (ex.ErrorCode == InvalidCredentials)
            {
                return null;
            }
            return new LdapUser(entry.DistinguishedName, attributes);
        });
    }

    private static void BindAsReader(LdapConnection conn, LdapServer server)
    {
        if (server.BindPass.Length == 0) throw new BadGatewayException("The LDAP bind password is empty");
        try
        {
            conn.Bind(new NetworkCredential(server.BindDn, server.BindPass));
        }
        catch (LdapException ex) when (ex.ErrorCode == InvalidCredentials)
        {
            throw new BadGatewayException("The LDAP server refused the configured bind DN and password");
        }
    }

    /// <summary>Connects, runs <paramref name="work"/> on a pool thread (libldap blocks), and bounds the whole by a time-out.</summary>
    private async Task<T> RunAsync<T>(LdapServer server, Func<LdapConnection, T> work)
    {
        var url = ParseUrl(server.Url) ?? throw new BadGatewayException("The LDAP URL is not an ldap:// or ldaps:// URL");
        var secure = url.Scheme == "ldaps";
        var port = url.IsDefaultPort || url.Port <= 0 ? (secure ? 636 : 389) : url.Port;
        var target = await TargetAsync(url.IdnHost.Trim('[', ']'), secure);
        var caDirectory = secure && !string.IsNullOrWhiteSpace(server.CaPem) ? WriteCa(server.CaPem) : null;
        try
        {
            var run = Task.Run(() =>
            {
                using var conn = new LdapConnection(new LdapDirectoryIdentifier(target, port, fullyQualifiedDnsHostName: true, connectionless: false))
                {
                    AuthType = AuthType.Basic,
                    AutoBind = false,
                    Timeout = Timeout,
                };
                conn.SessionOptions.ProtocolVersion = 3;
                conn.SessionOptions.ReferralChasing = ReferralChasingOptions.None;
                if (secure)
                {
                    conn.SessionOptions.SecureSocketLayer = true;
                    if (caDirectory is not null)
                    {
                        if (OperatingSystem.IsWindows()) throw new BadGatewayException("A custom LDAP CA certificate is not supported on Windows");
                        conn.SessionOptions.TrustedCertificatesDirectory = caDirectory;
                        conn.SessionOptions.StartNewTlsSessionContext();
                    }
                }
                return work(conn);
            });
            return await run.WaitAsync(Timeout * 3);
        }
        catch (TimeoutException)
        {
            throw new BadGatewayException($"The LDAP server did not answer within {Timeout.TotalSeconds * 3:0} seconds");
        }
        catch (LdapException ex)
        {
            throw new BadGatewayException($"Connecting to the LDAP server failed: {Describe(ex, secure)}");
        }
        catch (DirectoryOperationException ex)
        {
            throw new BadGatewayException($"The LDAP server refused the search: {ex.Response?.ErrorMessage ?? ex.Message}");
        }
        catch (DllNotFoundException)
        {
            throw new BadGatewayException("LDAP auth needs OpenLDAP's client library (Debian: libldap-2.5-0), which is not installed");
        }
        finally
        {
            if (caDirectory is not null) Directory.Delete(caDirectory, recursive: true);
        }
    }

    /// <summary>
    /// Plain LDAP connects to the checked address itself; LDAPS connects by name, after checking every address the name
    /// has — a name re-pointed afterwards fails the certificate check rather than reaching the new address's service.
    /// </summary>
    private async Task<string> TargetAsync(string host, bool secure)
    {
        var (addresses, allowed) = await outbound.ResolveCheckedAsync(host, CancellationToken.None);
        if (addresses.Length == 0) throw new BadGatewayException($"Connecting to the LDAP server failed: the host {host} could not be resolved");
        if (!allowed)
            throw new BadGatewayException($"Connecting to the LDAP server failed: {host} is a private address, and ALLOW_INTERNAL_IP_CONNECTIONS is not set");
        if (secure) return host;
        var chosen = addresses.OrderBy(a => a.AddressFamily == AddressFamily.InterNetworkV6 ? 1 : 0).First();
        return chosen.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{chosen}]" : chosen.ToString();
    }

    private static string WriteCa(string caPem)
    {
        var directory = Directory.CreateTempSubdirectory("coffer-ldap-ca-").FullName;
        File.WriteAllText(Path.Combine(directory, "ca.pem"), caPem);
        return directory;
    }

    private static string Describe(LdapException ex, bool secure) => ex.ErrorCode switch
    {
        81 => secure ? "the server is unavailable, or its TLS certificate is not trusted" : "the server is unavailable",
        85 => "the server did not answer in time",
        91 => "the connection was refused",
        _ => ex.Message,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "LDAP connection test to {Url} failed: {Reason}")]
    private partial void LogTestFailed(string url, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "LDAP search under {SearchBase} found {Result}: the login is refused")]
    private partial void LogSearchUnusable(string searchBase, string result);

    private static string Redacted(string url) => ParseUrl(url)?.GetLeftPart(UriPartial.Authority) ?? "(invalid URL)";
}
