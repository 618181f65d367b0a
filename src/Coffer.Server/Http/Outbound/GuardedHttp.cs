using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Coffer.Server.Configuration;

namespace Coffer.Server.Http.Outbound;

/// <summary>
/// HTTP calls Coffer makes on a client's behalf to addresses a client configured (an identity provider's JWKS or
/// discovery document): the name is resolved at connect time and the connection refused when every address is
/// private, loopback or link-local (cloud metadata) — unless ALLOW_INTERNAL_IP_CONNECTIONS — so DNS cannot point a
/// checked name elsewhere later; no redirects; a short time-out; bodies capped. TLS is verified against the system's
/// roots, or only against <c>caPem</c> when one is configured (Infisical instead stops verifying when none is).
/// </summary>
public sealed class GuardedHttp(CofferOptions options)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>Refuses a URL whose host is an internal address (checked when a configuration is saved, and again at connect).</summary>
    public async Task RequireAllowedAsync(Uri url, CancellationToken ct)
    {
        if (options.AllowInternalIpConnections) return;
        var (addresses, allowed) = await ResolveCheckedAsync(url.IdnHost, ct);
        if (addresses.Length == 0) throw new BadRequestException($"The host {url.Host} could not be resolved");
        if (!allowed)
            throw new BadRequestException(
                $"Private IP addresses ({url.Host}) are not allowed. If you are self-hosting, you can allow private IP addresses by setting the " +
                "'ALLOW_INTERNAL_IP_CONNECTIONS' environment variable to 'true' on your instance.");
    }

    /// <summary>
    /// The host's addresses (none when it does not resolve), and whether every one of them may be reached: none is
    /// internal, or ALLOW_INTERNAL_IP_CONNECTIONS is set. For connections this client does not make itself (LDAP).
    /// </summary>
    public async Task<(IPAddress[] Addresses, bool Allowed)> ResolveCheckedAsync(string host, CancellationToken ct)
    {
        var addresses = await ResolveAsync(host, ct);
        return (addresses, options.AllowInternalIpConnections || !addresses.Any(InternalAddresses.IsInternal));
    }

    /// <summary>GETs <paramref name="url"/> and returns the body (at most <see cref="MaxBodyBytes"/>); a failure names the step.</summary>
    public async Task<byte[]> GetAsync(Uri url, string? caPem, string step, CancellationToken ct)
    {
        var (status, body) = await SendAsync(new HttpRequestMessage(HttpMethod.Get, url), caPem, step, ct);
        if (status != HttpStatusCode.OK)
            throw new BadGatewayException($"{step} failed: {url.GetLeftPart(UriPartial.Path)} answered {(int)status}");
        return body;
    }

    /// <summary>Sends <paramref name="request"/>; the status and body (at most <see cref="MaxBodyBytes"/>) whatever the status.</summary>
    public async Task<(HttpStatusCode Status, byte[] Body)> SendAsync(HttpRequestMessage request, string? caPem, string step, CancellationToken ct)
    {
        var url = request.RequestUri!;
        using var client = OutboundHttp.CreateClient(Handler(caPem), Timeout);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (response.Content.Headers.ContentLength > MaxBodyBytes)
                throw new BadGatewayException($"{step} failed: the answer is larger than {MaxBodyBytes} bytes");
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes) throw new BadGatewayException($"{step} failed: the answer is larger than {MaxBodyBytes} bytes");
                buffer.Write(chunk, 0, read);
            }
            return (response.StatusCode, buffer.ToArray());
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new BadGatewayException($"{step} failed: {url.GetLeftPart(UriPartial.Path)} did not answer within {Timeout.TotalSeconds:0} seconds");
        }
        catch (HttpRequestException ex)
        {
            throw new BadGatewayException($"{step} failed: {Reason(ex)}");
        }
    }

    private static string Reason(HttpRequestException ex) =>
        ex.InnerException switch
        {
            System.Security.Authentication.AuthenticationException => "the server's TLS certificate is not trusted",
            SocketException s => s.SocketErrorCode == SocketError.ConnectionRefused ? "the connection was refused" : s.Message,
            InternalAddressException i => i.Message,
            _ => ex.Message,
        };

    private SocketsHttpHandler Handler(string? caPem)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectTimeout = Timeout,
            UseCookies = false,
            ConnectCallback = ConnectAsync,
        };
        if (!string.IsNullOrWhiteSpace(caPem))
        {
            var roots = new X509Certificate2Collection();
            try
            {
                roots.ImportFromPem(caPem);
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                throw new BadRequestException("The CA certificate is not a valid PEM certificate");
            }
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                // The name must match; only the chain's anchor is the configured CA instead of the system's roots.
                if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(roots);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(certificate));
            };
        }
        return handler;
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var addresses = await ResolveAsync(context.DnsEndPoint.Host, ct);
        var allowed = options.AllowInternalIpConnections ? addresses : [.. addresses.Where(a => !InternalAddresses.IsInternal(a))];
        if (allowed.Length == 0) throw new InternalAddressException(context.DnsEndPoint.Host);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed.OrderBy(a => a.AddressFamily == AddressFamily.InterNetworkV6 ? 1 : 0).ToArray(), context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
    {
        var name = host.Trim('[', ']');
        if (IPAddress.TryParse(name, out var literal)) return [literal];
        try
        {
            return await Dns.GetHostAddressesAsync(name, ct);
        }
        catch (SocketException)
        {
            return [];
        }
    }

    private sealed class InternalAddressException(string host)
        : Exception($"{host} resolves only to private, loopback or link-local addresses, which ALLOW_INTERNAL_IP_CONNECTIONS does not allow");
}
